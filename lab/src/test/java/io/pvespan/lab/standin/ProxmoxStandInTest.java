package io.pvespan.lab.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.model.VmId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stand-in over plain HTTP: Proxmox's shapes, Proxmox's errors, and the admin API. (The
 * controller's client reading it back is tested in the controller: {@code
 * PveInventorySourceStandInTest}.)
 */
class ProxmoxStandInTest {
  static final StandInToken TOKEN =
      StandInToken.parse("pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666");
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient http = HttpClient.newHttpClient();
  ProxmoxStandIn standIn;

  @BeforeEach
  void start() throws Exception {
    standIn =
        ProxmoxStandIn.builder(StandInFixture.cluster(), TOKEN)
            .authFailureDelay(Duration.ZERO)
            .start();
  }

  @AfterEach
  void stop() {
    standIn.close();
  }

  @Test
  void answersInProxmoxShapes() throws Exception {
    JsonNode web = data("cluster/resources?type=vm").get(0);
    assertThat(web.get("id").asText()).isEqualTo("qemu/101");
    assertThat(web.get("template").isInt()).isTrue();
    assertThat(web.get("tags").asText()).isEqualTo("span-dmz;web");
    JsonNode status = data("cluster/status");
    assertThat(status.get(0).get("type").asText()).isEqualTo("cluster");
    assertThat(status.get(1).get("online").asInt()).isEqualTo(1);
    assertThat(status.get(1).get("local").asInt()).isEqualTo(1);
    JsonNode config = data("nodes/pve1/qemu/101/config");
    assertThat(config.get("net0").asText())
        .isEqualTo("virtio=BC:24:11:AA:BB:01,bridge=vmbr0,firewall=1,mtu=9000,rate=12.5,tag=10");
    assertThat(config.get("digest").asText()).matches("[0-9a-f]{40}");
    JsonNode ct = data("nodes/pve2/lxc/200/config");
    assertThat(ct.get("net1").asText())
        .isEqualTo(
            "name=eth1,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:AA:BB:03,ip=dhcp,mtu=1400,rate=100,"
                + "tag=4094,type=veth");
  }

  @Test
  void aConfigOnTheWrongNodeIs500LikeProxmox() throws Exception {
    HttpResponse<String> r = get("/api2/json/nodes/pve2/qemu/101/config", TOKEN);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body())
        .contains("Configuration file 'nodes/pve2/qemu-server/101.conf' does not exist");
  }

  @Test
  void aWrongOrMissingTokenIs401() throws Exception {
    StandInToken wrong =
        StandInToken.parse("pvespan@pve!controller=ffffffff-1111-2222-3333-444455556666");
    assertThat(get("/api2/json/cluster/status", wrong).statusCode()).isEqualTo(401);
    assertThat(get("/api2/json/cluster/status", null).statusCode()).isEqualTo(401);
  }

  @Test
  void moveAndTagsThroughTheAdminApiShowInTheInventoryAndResources() throws Exception {
    assertThat(admin("move?vmid=101&node=pve2")).isEqualTo(200);
    assertThat(admin("tags?vmid=102&tags=sensor%3Bids,extra")).isEqualTo(200);

    JsonNode inventory = JSON.readTree(get("/standin/inventory", TOKEN).body()).get("data");
    assertThat(inventory.get("guests").get(0).get("node").asText()).isEqualTo("pve2");
    assertThat(inventory.get("guests").get(0).get("nics")).hasSize(2);
    assertThat(standIn.inventory().guests().get(1).tags())
        .containsExactly("sensor", "ids", "extra");
    assertThat(data("cluster/resources?type=vm").get(0).get("node").asText()).isEqualTo("pve2");
    assertThat(admin("move?vmid=101&node=nowhere")).isEqualTo(400);
    assertThat(admin("move")).isEqualTo(400);
    assertThat(admin("nonsense?vmid=101")).isEqualTo(404);
  }

  @Test
  void lockStatusAndRequestCounters() throws Exception {
    standIn.resetCounters();
    standIn.setLock(VmId.of(102), "migrate");
    standIn.setStatus(VmId.of(200), "running");
    JsonNode resources = data("cluster/resources?type=vm");
    data("nodes/pve2/qemu/102/config");
    standIn.moveGuest(VmId.of(102), "pve1");
    data("nodes/pve1/qemu/102/config");

    assertThat(resources.get(1).get("lock").asText()).isEqualTo("migrate");
    assertThat(resources.get(2).get("status").asText()).isEqualTo("running");
    assertThat(standIn.inventory().guests().get(1).lock()).isNull();
    assertThat(standIn.requestCounts())
        .containsEntry("/cluster/resources", 1L)
        .containsEntry("/nodes/pve2/qemu/102/config", 1L)
        .containsEntry("/nodes/pve1/qemu/102/config", 1L);
  }

  @Test
  void aMigrationMovesTheConfigWithItsLockAndUnlocksLater() throws Exception {
    assertThat(admin("lock?vmid=101&lock=migrate")).isEqualTo(200);
    assertThat(admin("move?vmid=101&node=pve2&keepLock=1")).isEqualTo(200);
    JsonNode moved = data("cluster/resources?type=vm").get(0);
    assertThat(moved.get("node").asText()).isEqualTo("pve2");
    assertThat(moved.get("lock").asText()).isEqualTo("migrate");
    assertThat(data("nodes/pve2/qemu/101/config").get("lock").asText()).isEqualTo("migrate");
    assertThat(admin("lock?vmid=101&lock=")).isEqualTo(200);
    assertThat(data("cluster/resources?type=vm").get(0).has("lock")).isFalse();
  }

  @Test
  void aNicSetThroughTheAdminApiIsServedInProxmoxsNetFormat() throws Exception {
    String before = data("nodes/pve1/qemu/101/config").get("digest").asText();
    assertThat(admin("nic?vmid=101&net=net3&bridge=vmbr0&mac=BC:24:11:00:00:33&rate=10&tag=5"))
        .isEqualTo(200);
    JsonNode config = data("nodes/pve1/qemu/101/config");
    assertThat(config.get("net3").asText())
        .isEqualTo("virtio=BC:24:11:00:00:33,bridge=vmbr0,rate=10,tag=5");
    assertThat(config.get("digest").asText()).isNotEqualTo(before);
    assertThat(admin("nic?vmid=101&net=net3&bridge=vmbr0&mac=BC:24:11:00:00:33&firewall=1"))
        .isEqualTo(200);
    assertThat(data("nodes/pve1/qemu/101/config").get("net3").asText())
        .isEqualTo("virtio=BC:24:11:00:00:33,bridge=vmbr0,firewall=1");
    assertThat(admin("nic?vmid=101&net=net3&delete=1")).isEqualTo(200);
    assertThat(data("nodes/pve1/qemu/101/config").has("net3")).isFalse();
    assertThat(admin("nic?vmid=101&net=net32&bridge=vmbr0&mac=BC:24:11:00:00:33")).isEqualTo(400);
    assertThat(admin("nic?vmid=101&net=net3&mac=BC:24:11:00:00:33")).isEqualTo(400);
  }

  @Test
  void aNodeMarkedOfflineIsOfflineInStatusAndResources() throws Exception {
    assertThat(admin("node?node=pve2&online=0")).isEqualTo(200);
    assertThat(data("cluster/status").get(2).get("online").asInt()).isZero();
    assertThat(data("cluster/resources").toString())
        .contains(
            "{\"id\":\"node/pve2\",\"type\":\"node\",\"node\":\"pve2\",\"status\":\"offline\"");
    assertThat(admin("node?node=pve2&online=1")).isEqualTo(200);
    assertThat(data("cluster/status").get(2).get("online").asInt()).isEqualTo(1);
    assertThat(admin("node?node=nowhere&online=0")).isEqualTo(400);
  }

  @Test
  void standaloneHasNoClusterEntry() throws Exception {
    standIn.close();
    standIn = ProxmoxStandIn.builder(StandInFixture.cluster(), TOKEN).standalone(true).start();
    assertThat(data("cluster/status").get(0).get("type").asText()).isEqualTo("node");
  }

  private JsonNode data(String apiPath) throws Exception {
    HttpResponse<String> r = get("/api2/json/" + apiPath, TOKEN);
    assertThat(r.statusCode()).as(apiPath + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("data");
  }

  private HttpResponse<String> get(String path, StandInToken token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(standIn.url() + path));
    if (token != null) {
      b.header("Authorization", token.authorizationHeader());
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private int admin(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(standIn.url() + "/standin/" + pathAndQuery))
                .header("Authorization", TOKEN.authorizationHeader())
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      assertThat(JSON.readTree(r.body()).get("message").asText()).isNotBlank();
    }
    return r.statusCode();
  }
}
