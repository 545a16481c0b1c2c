package io.pvespan.controller.pve;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.model.VmId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inventory built from recorded answers (go-proxmox captures; which config file answers for
 * which guest is listed in test-fixtures/pve/SOURCES.md).
 */
class PveInventorySourceTest {
  static final String RESOURCES = "/api2/json/cluster/resources?type=vm";

  WireMockServer wm;
  PveClient client;
  PveInventorySource source;

  @BeforeEach
  void start() throws PveException {
    wm = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    client = new PveClient(PveClientTest.connection(wm), PveClientTest.FAST);
    source = new PveInventorySource(client);
    stubCluster(Fixtures.read("cluster-resources__go-proxmox.json"));
    config("node2", 100, "qemu-config__go-proxmox-vm101.json");
    config("node1", 101, "qemu-config__go-proxmox-vm102-highindex.json");
    config("node1", 102, "qemu-config__go-proxmox-vm101.json");
    config("node1", 200, "qemu-config__go-proxmox-vm102-highindex.json");
  }

  void stubCluster(String resources) {
    wm.stubFor(get(urlEqualTo(RESOURCES)).willReturn(okJson(resources)));
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .willReturn(okJson(Fixtures.read("cluster-status__go-proxmox.json"))));
  }

  void config(String node, int vmid, String fixture) {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/nodes/" + node + "/qemu/" + vmid + "/config"))
            .willReturn(okJson(Fixtures.read(fixture))));
  }

  @AfterEach
  void stop() {
    source.close();
    client.close();
    wm.stop();
  }

  @Test
  void buildsTheExpectedInventoryFromTheFixtures() throws Exception {
    InventorySnapshot snap = source.poll();

    ObjectMapper m = new ObjectMapper();
    assertThat(m.readTree(InventoryJson.write(snap.inventory())))
        .isEqualTo(m.readTree(Fixtures.read("expected-inventory__go-proxmox.json")));
    assertThat(snap.requests()).isEqualTo(2 + 4);
    assertThat(snap.migrations()).isEmpty();
  }

  @Test
  void aSteadyStateCycleIsExactlyOneRequest() throws PveException {
    source.poll();
    wm.resetRequests();

    InventorySnapshot second = source.poll();

    assertThat(second.requests()).isEqualTo(1);
    wm.verify(1, anyRequestedFor(anyUrl()));
    wm.verify(1, getRequestedFor(urlEqualTo(RESOURCES)));
    assertThat(second.inventory().guests()).hasSize(4);
  }

  @Test
  void refreshingOneGuestIsOneConfigRequestAndLaterPollsKeepWhatItRead() throws PveException {
    Guest before = source.poll().inventory().guests().get(0);
    wm.resetRequests();
    config("node2", 100, "qemu-config__go-proxmox-vm102-highindex.json"); // NICs edited live

    Guest after = source.refreshGuest(before).orElseThrow();

    wm.verify(1, anyRequestedFor(anyUrl()));
    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/nodes/node2/qemu/100/config")));
    assertThat(after.nics()).isNotEqualTo(before.nics());
    assertThat(after.vmid()).isEqualTo(before.vmid());
    assertThat(after.node()).isEqualTo(before.node());
    InventorySnapshot next = source.poll();
    assertThat(next.requests()).isEqualTo(1);
    assertThat(next.inventory().guests().get(0).nics()).isEqualTo(after.nics());
  }

  @Test
  void aGuestMovingNodeIsAMigrationAndItsConfigIsReadAgain() throws PveException {
    source.poll();
    wm.resetRequests();
    String moved =
        Fixtures.read("cluster-resources__go-proxmox.json")
            .replaceFirst(
                "\"node\": \"node2\",\n            \"cpu\": 0.0249",
                "\"node\": \"node3\",\n            \"cpu\": 0.0249");
    assertThat(moved).isNotEqualTo(Fixtures.read("cluster-resources__go-proxmox.json"));
    wm.stubFor(get(urlEqualTo(RESOURCES)).willReturn(okJson(moved)));
    config("node3", 100, "qemu-config__go-proxmox-vm101.json");

    InventorySnapshot snap = source.poll();

    assertThat(snap.migrations()).containsExactly(new Migration(VmId.of(100), "node2", "node3"));
    assertThat(snap.inventory().guests().get(0).node()).isEqualTo("node3");
    assertThat(snap.inventory().guests().get(0).nics()).hasSize(1);
    assertThat(snap.requests()).isEqualTo(2);
    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/nodes/node3/qemu/100/config")));
  }

  @Test
  void lockMigrateIsAMigrationInProgress() throws PveException {
    source.poll();
    String locked =
        Fixtures.read("cluster-resources__go-proxmox.json")
            .replace("\"id\": \"qemu/102\",", "\"id\": \"qemu/102\", \"lock\": \"migrate\",");
    wm.stubFor(get(urlEqualTo(RESOURCES)).willReturn(okJson(locked)));

    InventorySnapshot snap = source.poll();

    assertThat(snap.migrations()).containsExactly(new Migration(VmId.of(102), "node1", null));
    assertThat(snap.requests()).isEqualTo(2); // the lock changed: its config is read again
  }

  @Test
  void readsConfigsOnlyForGuestsOfInterest() throws PveException {
    source.setInterest(g -> g.vmid().value() == 100);

    InventorySnapshot snap = source.poll();

    assertThat(snap.requests()).isEqualTo(3);
    assertThat(source.cachedConfigs()).containsExactly(VmId.of(100));
    assertThat(snap.inventory().guests().get(1).nics()).isEmpty();
    wm.verify(0, getRequestedFor(urlPathEqualTo("/api2/json/nodes/node1/qemu/101/config")));
  }

  @Test
  void aGuestOnAnUnknownNodeRereadsClusterStatus() throws PveException {
    source.poll();
    wm.resetRequests();
    String onNew =
        Fixtures.read("cluster-resources__go-proxmox.json")
            .replaceFirst(
                "\"node\": \"node2\",\n            \"cpu\": 0.0249",
                "\"node\": \"node9\",\n            \"cpu\": 0.0249");
    wm.stubFor(get(urlEqualTo(RESOURCES)).willReturn(okJson(onNew)));
    config("node9", 100, "qemu-config__go-proxmox-vm101.json");

    source.poll();

    wm.verify(1, getRequestedFor(urlEqualTo("/api2/json/cluster/status")));
  }

  @Test
  void aStandaloneNodeWithoutClusterEntryAndToleratedShapes() throws PveException {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/cluster/status"))
            .willReturn(
                okJson(
                    "{\"data\":[{\"type\":\"node\",\"name\":\"solo\",\"id\":\"node/solo\","
                        + "\"ip\":\"10.0.0.5\",\"online\":\"1\",\"local\":true,\"nodeid\":0}]}")));
    wm.stubFor(
        get(urlEqualTo(RESOURCES))
            .willReturn(
                okJson(
                    "{\"data\":[{\"id\":\"lxc/300\",\"type\":\"lxc\",\"vmid\":\"300\","
                        + "\"node\":\"solo\",\"template\":false,\"tags\":\"a, b;c d\"},"
                        + "{\"id\":\"qemu/301\",\"type\":\"qemu\",\"node\":\"solo\","
                        + "\"status\":\"running\",\"template\":\"0\",\"lock\":\"backup\"}]}")));
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/nodes/solo/lxc/300/config"))
            .willReturn(okJson(Fixtures.read("lxc-config__go-proxmox-pve7x.json"))));
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/nodes/solo/qemu/301/config"))
            .willReturn(okJson("{\"data\":{\"digest\":\"x\"}}")));

    var inv = source.poll().inventory();

    assertThat(inv.nodes()).hasSize(1);
    assertThat(inv.nodes().get(0).address()).isEqualTo("10.0.0.5");
    assertThat(inv.nodes().get(0).online()).isTrue();
    var ct = inv.guests().get(0);
    assertThat(ct.tags()).containsExactly("a", "b", "c", "d");
    assertThat(ct.status()).isEqualTo("unknown");
    assertThat(ct.name()).isNull();
    assertThat(ct.nics().get(0).mac()).isEqualTo("5D:CF:BD:B2:C5:39");
    assertThat(ct.nics().get(0).firewall()).isTrue();
    assertThat(inv.guests().get(1).vmid()).isEqualTo(VmId.of(301));
    assertThat(inv.guests().get(1).lock()).isEqualTo("backup");
    assertThat(inv.guests().get(1).nics()).isEmpty();
  }

  @Test
  void aBadNetLineFailsThePollNamingGuestAndKey() {
    wm.stubFor(
        get(urlPathEqualTo("/api2/json/nodes/node1/qemu/102/config"))
            .willReturn(okJson("{\"data\":{\"net3\":\"virtio=BC:24:11:2E:C5:4A,tag=99999\"}}")));

    assertThatThrownBy(() -> source.poll())
        .isInstanceOf(PveException.class)
        .hasMessage(
            "GET /nodes/node1/qemu/102/config: net3: tag 99999 is outside 1..4094 in"
                + " 'virtio=BC:24:11:2E:C5:4A,tag=99999'");
    // the others were read and are kept: the next poll only retries the failed guest
    assertThat(source.cachedConfigs())
        .containsExactlyInAnyOrderElementsOf(List.of(VmId.of(100), VmId.of(101), VmId.of(200)));
  }
}
