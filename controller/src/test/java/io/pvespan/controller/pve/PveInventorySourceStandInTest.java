package io.pvespan.controller.pve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInFixture;
import io.pvespan.lab.standin.StandInToken;
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
 * The Proxmox client against the lab's Proxmox API stand-in: the inventory the stand-in serves in
 * Proxmox's shapes comes back whole, and its changes (migration, lock, tags) show in the next poll.
 * The stand-in's own shapes and admin API are tested in the lab ({@code ProxmoxStandInTest}).
 */
class PveInventorySourceStandInTest {
  static final String TOKEN_TEXT = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";
  static final PveToken TOKEN = PveToken.parse(TOKEN_TEXT);
  static final PveClient.Retries FAST = new PveClient.Retries(2, Duration.ofMillis(1), 2.0, 0.5);

  ProxmoxStandIn standIn;
  PveClient client;
  PveInventorySource source;

  @BeforeEach
  void start() throws Exception {
    standIn =
        ProxmoxStandIn.builder(StandInFixture.cluster(), StandInToken.parse(TOKEN_TEXT))
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
