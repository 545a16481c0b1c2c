package io.pvespan.bench;

import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.PveClient;
import io.pvespan.controller.pve.PveConnection;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.controller.pve.PveToken;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests and wall time of {@link PveInventorySource} polls against the Proxmox API stand-in: the
 * first full cycle, then steady-state cycles with 0 and with 1 changed guest. Prints one line per
 * measurement. Usage: {@code java -cp benchmarks/target/pvespan-benchmarks.jar
 * io.pvespan.bench.InventoryPollBenchmark [NODES GUESTS LATENCY_MS]} (default 32 10000 5).
 */
public final class InventoryPollBenchmark {
  private InventoryPollBenchmark() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int guests = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    String tokenText = "bench@pve!bench=00000000-0000-0000-0000-000000000000";
    PveToken token = PveToken.parse(tokenText);
    Inventory cluster = cluster(nodes, guests);
    System.out.printf(
        "stand-in: %d nodes, %d guests, %d ms latency per request, client in flight: %d%n",
        nodes, guests, latencyMs, PveClient.MAX_IN_FLIGHT);
    try (ProxmoxStandIn standIn =
            ProxmoxStandIn.builder(cluster, StandInToken.parse(tokenText))
                .latency(Duration.ofMillis(latencyMs))
                .workers(8)
                .start();
        PveClient client = new PveClient(PveConnection.of(standIn.url().toString(), token, null));
        PveInventorySource source = new PveInventorySource(client, Integer.MAX_VALUE)) {
      measure("first full cycle", source);
      for (int i = 0; i < 3; i++) {
        measure("steady state, 0 changed", source);
      }
      String[] names = cluster.nodes().stream().map(InventoryNode::name).toArray(String[]::new);
      for (int i = 0; i < 3; i++) {
        standIn.moveGuest(VmId.of(100 + i), names[(i + 5) % names.length]);
        measure("steady state, 1 changed (moved)", source);
      }
      for (int i = 0; i < 10; i++) {
        standIn.setStatus(VmId.of(1000 + i), "paused");
      }
      measure("steady state, 10 changed (status)", source);
    }
  }

  private static void measure(String what, PveInventorySource source) throws Exception {
    long t0 = System.nanoTime();
    InventorySnapshot snap = source.poll();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "%-36s requests=%6d  wall=%7d ms  guests=%d migrations=%d%n",
        what, snap.requests(), ms, snap.inventory().guests().size(), snap.migrations().size());
  }

  static Inventory cluster(int nodeCount, int guestCount) {
    List<InventoryNode> nodes = new ArrayList<>();
    for (int n = 0; n < nodeCount; n++) {
      nodes.add(
          new InventoryNode(
              "pve" + (n + 1), "198.18." + (n / 250) + "." + (n % 250 + 1), true, 1500));
    }
    List<Guest> guests = new ArrayList<>();
    for (int i = 0; i < guestCount; i++) {
      int vmid = 100 + i;
      GuestType type = i % 4 == 3 ? GuestType.LXC : GuestType.QEMU;
      List<GuestNic> nics = new ArrayList<>();
      for (int k = 0; k < 1 + i % 2; k++) {
        nics.add(
            new GuestNic(
                new NicId(k),
                "vmbr" + k,
                String.format(
                    "BC:24:11:%02X:%02X:%02X", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff),
                i % 3 == 0,
                i % 5 == 0 ? 50.0 : null,
                null,
                i % 7 == 0 ? 10 : null));
      }
      guests.add(
          new Guest(
              VmId.of(vmid),
              type,
              nodes.get(i % nodeCount).name(),
              i % 10 == 0 ? "stopped" : "running",
              "guest" + vmid,
              i % 20 == 0 ? List.of("span-dmz") : List.of(),
              null,
              false,
              null,
              nics));
    }
    return new Inventory(nodes, guests);
  }
}
