package io.pvespan.controller.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.Migration;
import io.pvespan.controller.pve.PveClient;
import io.pvespan.controller.pve.PveConnection;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.controller.pve.PveToken;
import io.pvespan.model.VmId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxmoxStandInTest {
  static final PveToken TOKEN =
      PveToken.parse("pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666");
  static final PveClient.Retries FAST = new PveClient.Retries(2, Duration.ofMillis(1), 2.0, 0.5);

  ProxmoxStandIn standIn;
  PveClient client;
  PveInventorySource source;

  @BeforeEach
  void start() throws Exception {
    standIn =
        ProxmoxStandIn.builder(StandInFixture.cluster(), TOKEN)
            .authFailureDelay(Duration.ZERO)
            .start();
    client = new PveClient(PveConnection.of(standIn.url().toString(), TOKEN, null), FAST);
    source = new PveInventorySource(client);
  }

  @AfterEach
  void stop() {
    source.close();
    client.close();
    standIn.close();
  }

  @Test
  void roundTripGivesBackTheSameInventory() throws PveException {
    assertThat(source.poll().inventory()).isEqualTo(StandInFixture.cluster().sorted());
  }

  @Test
  void answersInProxmoxShapes() throws Exception {
    JsonNode resources = client.get("cluster/resources?type=vm");
    JsonNode web = resources.get(0);
    assertThat(web.get("id").asText()).isEqualTo("qemu/101");
    assertThat(web.get("template").isInt()).isTrue();
    assertThat(web.get("tags").asText()).isEqualTo("span-dmz;web");
    JsonNode status = client.get("cluster/status");
    assertThat(status.get(0).get("type").asText()).isEqualTo("cluster");
    assertThat(status.get(1).get("online").asInt()).isEqualTo(1);
    assertThat(status.get(1).get("local").asInt()).isEqualTo(1);
    JsonNode config = client.get("nodes/pve1/qemu/101/config");
    assertThat(config.get("net0").asText())
        .isEqualTo("virtio=BC:24:11:AA:BB:01,bridge=vmbr0,firewall=1,mtu=9000,rate=12.5,tag=10");
    assertThat(config.get("digest").asText()).matches("[0-9a-f]{40}");
    JsonNode ct = client.get("nodes/pve2/lxc/200/config");
    assertThat(ct.get("net1").asText())
        .isEqualTo(
            "name=eth1,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:AA:BB:03,ip=dhcp,mtu=1400,rate=100,"
                + "tag=4094,type=veth");
  }

  @Test
  void aConfigOnTheWrongNodeIs500LikeProxmox() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.get("nodes/pve2/qemu/101/config"))
        .hasMessageContaining(
            "HTTP 500 Configuration file 'nodes/pve2/qemu-server/101.conf' does" + " not exist");
  }

  @Test
  void aWrongTokenIs401() throws Exception {
    PveToken wrong = PveToken.parse("pvespan@pve!controller=ffffffff-1111-2222-3333-444455556666");
    try (PveClient bad = new PveClient(PveConnection.of(standIn.url().toString(), wrong, null))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.get("cluster/status"))
          .hasMessageContaining("HTTP 401");
    }
  }

  @Test
  void moveAndTagsThroughTheAdminApiShowInTheNextPoll() throws Exception {
    source.poll();
    assertThat(admin("move?vmid=101&node=pve2")).isEqualTo(200);
    assertThat(admin("tags?vmid=102&tags=sensor%3Bids,extra")).isEqualTo(200);

    InventorySnapshot snap = source.poll();

    assertThat(snap.migrations()).containsExactly(new Migration(VmId.of(101), "pve1", "pve2"));
    assertThat(snap.inventory().guests().get(0).node()).isEqualTo("pve2");
    assertThat(snap.inventory().guests().get(0).nics()).hasSize(2);
    assertThat(snap.inventory().guests().get(1).tags()).containsExactly("sensor", "ids", "extra");
    assertThat(snap.requests()).isEqualTo(2); // resources + the moved guest's config
    assertThat(admin("move?vmid=101&node=nowhere")).isEqualTo(400);
  }

  @Test
  void lockMigratePhaseThenMoveAndCounters() throws PveException {
    source.poll();
    standIn.resetCounters();
    standIn.setLock(VmId.of(102), "migrate");
    assertThat(source.poll().migrations())
        .containsExactly(new Migration(VmId.of(102), "pve2", null));
    standIn.moveGuest(VmId.of(102), "pve1");
    standIn.setStatus(VmId.of(200), "running");
    InventorySnapshot done = source.poll();

    assertThat(done.migrations()).containsExactly(new Migration(VmId.of(102), "pve2", "pve1"));
    assertThat(done.inventory().guests().get(1).lock()).isNull();
    assertThat(standIn.requestCounts())
        .containsEntry("/cluster/resources", 2L)
        .containsEntry("/nodes/pve2/qemu/102/config", 1L)
        .containsEntry("/nodes/pve1/qemu/102/config", 1L)
        .containsEntry("/nodes/pve2/lxc/200/config", 1L);
  }

  @Test
  void standaloneHasNoClusterEntry() throws Exception {
    try (ProxmoxStandIn solo =
            ProxmoxStandIn.builder(StandInFixture.cluster(), TOKEN).standalone(true).start();
        PveClient c = new PveClient(PveConnection.of(solo.url().toString(), TOKEN, null))) {
      JsonNode status = c.get("cluster/status");
      assertThat(status.get(0).get("type").asText()).isEqualTo("node");
    }
  }

  private int admin(String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(standIn.url() + "/standin/" + pathAndQuery))
                    .header("Authorization", TOKEN.authorizationHeader())
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      assertThat(new ObjectMapper().readTree(r.body()).get("message").asText()).isNotBlank();
    }
    return r.statusCode();
  }
}
