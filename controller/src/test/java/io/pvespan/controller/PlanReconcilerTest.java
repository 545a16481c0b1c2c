package io.pvespan.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanReconcilerTest {
  private static NodeMirrorPlan plan(long generation, int vmid) {
    var m =
        new MirrorEntry(
            "web",
            new VmId(vmid),
            new NicId(0),
            InterfaceName.of("tap" + vmid + "i0"),
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap999i0")),
            null);
    return NodeMirrorPlan.of("pve1", generation, List.of(m), List.of(), List.of());
  }

  @Test
  void generationsNeverGoBack() {
    // same content: the higher generation stays
    assertThat(PlanReconciler.monotone(plan(7, 101), plan(1, 101), 0).generation()).isEqualTo(7);
    // new content planned from scratch after a restart: above the one in force and the agent's
    assertThat(PlanReconciler.monotone(plan(7, 101), plan(1, 102), 0).generation()).isEqualTo(8);
    assertThat(PlanReconciler.monotone(null, plan(1, 102), 12).generation()).isEqualTo(13);
    // a planner that already counted up is kept as it is
    assertThat(PlanReconciler.monotone(plan(3, 101), plan(4, 102), 2).generation()).isEqualTo(4);
    // the digest is kept right whatever the generation
    NodeMirrorPlan p = PlanReconciler.monotone(plan(7, 101), plan(1, 102), 0);
    assertThat(p.digest()).isEqualTo(plan(1, 102).digest());
  }

  @Test
  void backoffDoublesUpToItsCeiling() {
    Backoff b = Backoff.DEFAULT;
    assertThat(b.after(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.after(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.after(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.after(7)).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.after(1000)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void agentUrlsFromOverridesOrTheNodeAddress() {
    var a =
        new AgentAddressing("https", 8787, Map.of("pve3", URI.create("https://10.0.0.13:9443/")));
    assertThat(a.urlFor("pve1", new InventoryNode("pve1", "198.18.0.1", true, null)))
        .isEqualTo(URI.create("https://198.18.0.1:8787/"));
    assertThat(a.urlFor("pve2", new InventoryNode("pve2", "fd00::2", true, null)))
        .isEqualTo(URI.create("https://[fd00::2]:8787/"));
    assertThat(a.urlFor("pve3", null)).isEqualTo(URI.create("https://10.0.0.13:9443/"));
    var proxied =
        new AgentAddressing("https", 8787, Map.of("pve1", URI.create("https://gw:443/pve1")));
    assertThat(proxied.urlFor("pve1", null).resolve("v1/plan"))
        .isEqualTo(URI.create("https://gw:443/pve1/v1/plan"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> a.urlFor("pve4", new InventoryNode("pve4", null, true, null)))
        .hasMessage("node pve4 has no address; set agents.urls.pve4 or nodes.addresses.pve4");
  }
}
