package io.pvespan.controller.pve;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against WireMock serving recorded Proxmox answers and failures. */
class PveClientTest {
  static final String TOKEN = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";
  static final PveClient.Retries FAST = new PveClient.Retries(3, Duration.ofMillis(1), 2.0, 0.5);

  WireMockServer wm;
  PveClient client;

  @BeforeEach
  void start() throws PveException {
    wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    client = new PveClient(connection(wm), FAST);
  }

  static PveConnection connection(WireMockServer wm) {
    return PveConnection.of("http://127.0.0.1:" + wm.port(), PveToken.parse(TOKEN), null);
  }

  @AfterEach
  void stop() {
    client.close();
    wm.stop();
  }

  @Test
  void sendsTheTokenHeaderAndReturnsData() throws PveException {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .withHeader("Authorization", equalTo("PVEAPIToken=" + TOKEN))
            .willReturn(okJson(Fixtures.read("cluster-status__go-proxmox.json"))));

    var data = client.get("cluster/status");

    assertThat(data.isArray()).isTrue();
    assertThat(data.get(1).get("ip").asText()).isEqualTo("192.168.1.2");
    wm.verify(
        1,
        getRequestedFor(urlEqualTo("/api2/json/cluster/status"))
            .withHeader("Authorization", equalTo("PVEAPIToken=" + TOKEN)));
  }

  @Test
  void retriesA500ThenSucceeds() throws PveException {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/version"))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(500).withBody("{\"data\":null}"))
            .willSetStateTo("up"));
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/version"))
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(okJson(Fixtures.read("version__go-proxmox-pve8x.json"))));

    assertThat(client.get("version").get("release").asText()).isEqualTo("8.4");
    wm.verify(2, getRequestedFor(urlEqualTo("/api2/json/version")));
    assertThat(client.requestCount()).isEqualTo(2);
  }

  @Test
  void retries429AndGivesUpAfterMaxAttempts() {
    wm.stubFor(get(urlPathEqualTo("/api2/json/version")).willReturn(aResponse().withStatus(429)));

    assertThatThrownBy(() -> client.get("version"))
        .isInstanceOf(PveException.class)
        .hasMessageContaining("HTTP 429")
        .hasMessageContaining("after 3 attempts");
    wm.verify(3, getRequestedFor(urlEqualTo("/api2/json/version")));
  }

  @Test
  void retriesAConnectionDroppedWithoutAnswer() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/version"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    assertThatThrownBy(() -> client.get("version")).hasMessageContaining("after 3 attempts");
    wm.verify(3, getRequestedFor(urlEqualTo("/api2/json/version")));
  }

  @Test
  void doesNotRetry401AndSaysWhatToCheck() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/resources"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withStatusMessage("authentication failure")
                    .withBody("{\"data\":null}")));

    assertThatThrownBy(() -> client.get("cluster/resources?type=vm"))
        .isInstanceOf(PveException.class)
        .hasMessage(
            "GET /cluster/resources failed: HTTP 401 authentication failure: Proxmox refused the"
                + " API token; check USER@REALM!TOKENID and the secret (--pve-token-file /"
                + " pve.tokenFile)")
        .hasMessageNotContaining("0a1b2c3d");
    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/cluster/resources?type=vm")));
  }

  @Test
  void namesThePrivilegeOn403() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withStatusMessage("Permission check failed (/, Sys.Audit)")
                    .withBody("{\"data\":null}")));

    assertThatThrownBy(() -> client.get("cluster/status"))
        .hasMessageContaining("Permission check failed (/, Sys.Audit)")
        .hasMessageContaining("VM.Audit and Sys.Audit on /");
    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/cluster/status")));
  }

  @Test
  void showsProxmoxErrorEnvelope() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/nodes/node1/network"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        Fixtures.read(
                            "error-400-param-verification__terraform-provider-proxmox.json"))));

    assertThatThrownBy(() -> client.get("nodes/node1/network"))
        .hasMessage(
            "GET /nodes/node1/network failed: HTTP 400 Parameter verification failed."
                + " (iface: interface does not exist)");
    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/nodes/node1/network")));
  }

  @Test
  void malformedJsonIsOneClearLine() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .willReturn(okJson("{\"data\": [ {\"name\": \"node1\", ")));

    assertThatThrownBy(() -> client.get("cluster/status"))
        .hasMessageStartingWith("malformed JSON from GET /cluster/status at line 1")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void htmlErrorPageIsOneClearLine() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .willReturn(
                aResponse()
                    .withStatus(502)
                    .withHeader("Content-Type", "text/html")
                    .withBody(
                        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body>"
                            + "</html>")));

    assertThatThrownBy(() -> client.get("cluster/status"))
        .hasMessageContaining("HTTP 502")
        .hasMessageContaining("an HTML page '502 Bad Gateway'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void htmlWithStatus200IsNotTakenForJson() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .willReturn(
                aResponse().withStatus(200).withBody("<!DOCTYPE html><title>Login</title>")));

    assertThatThrownBy(() -> client.get("cluster/status"))
        .hasMessage(
            "GET /cluster/status answered an HTML page 'Login', not JSON: is the URL the Proxmox"
                + " API (https://HOST:8006)?");
  }

  @Test
  void missingEnvelopeIsAnError() {
    wm.stubFor(get(urlPathEqualTo("/api2/json/version")).willReturn(okJson("[1,2]")));

    assertThatThrownBy(() -> client.get("version")).hasMessageContaining("{\"data\": ...}");
  }
}
