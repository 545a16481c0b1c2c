package io.pvespan.controller.pve;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and hung servers (real waiting: an IT). Read timeout 5 s; a fast warm-up request first, so
 * WireMock's cold start on a loaded machine does not eat the margin above the 3 s answer.
 */
class PveClientTimeoutIT {
  WireMockServer wm;
  PveClient client;

  @BeforeEach
  void start() throws PveException {
    wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    client =
        new PveClient(
            PveClientTest.connection(wm).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)),
            PveClientTest.FAST);
  }

  void warmUp() throws PveException {
    wm.stubFor(get(urlPathEqualTo("/api2/json/warm")).willReturn(okJson("{\"data\":1}")));
    client.get("warm");
  }

  @AfterEach
  void stop() {
    client.close();
    wm.stop();
  }

  @Test
  void aThreeSecondAnswerArrivesWithinTheReadTimeout() throws PveException {
    warmUp();
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/version"))
            .willReturn(okJson(Fixtures.read("version__proxmoxer.json")).withFixedDelay(3000)));

    assertThat(client.get("version").get("version").asText()).isEqualTo("7.2-3");
  }

  @Test
  void aHungServerFailsAfterTheReadTimeoutWithoutRetrying() throws PveException {
    warmUp();
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/version"))
            .willReturn(okJson("{\"data\":{}}").withFixedDelay(30_000)));

    assertThatThrownBy(() -> client.get("version"))
        .isInstanceOf(PveException.class)
        .hasMessage(
            "GET /version: no answer from 127.0.0.1:"
                + wm.port()
                + " within the read timeout of"
                + " 5000 ms");
    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/version")));
  }
}
