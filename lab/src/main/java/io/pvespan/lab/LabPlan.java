package io.pvespan.lab;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.model.Direction;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.plan.PlanResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plans the controller will compute for the lab, asked of the controller's jar ({@code plan
 * --output json}) over the same specs and inventory, so the demo and the tests know which devices
 * must be mirrored where, and to which sensor device, without linking to the controller's code.
 */
public record LabPlan(PlanResult result) {
  private static final Duration PLAN_TIMEOUT = Duration.ofSeconds(60);

  /** A planned mirror with where it runs and the sensor device its copies end in. */
  public record Placed(String node, MirrorEntry entry, String sensorNode, String sensorDevice) {
    /** How many mirred actions the agent puts on the device: one per tc hook. */
    public int hooks() {
      return entry.direction() == Direction.BOTH ? 2 : 1;
    }

    @Override
    public String toString() {
      String target;
      if (entry.target() instanceof LocalTarget l) {
        target = "local " + l.device();
      } else if (sensorDevice == null) {
        target =
            entry.target().type()
                + " -> external collector "
                + ((io.pvespan.plan.TunnelTarget) entry.target()).remote();
      } else {
        target = entry.target().type() + " -> " + sensorNode + "/" + sensorDevice;
      }
      return node
          + ": "
          + entry.device()
          + " ("
          + entry.direction().json()
          + ", "
          + entry.state().json()
          + ") -> "
          + target
          + "  [session "
          + entry.session()
          + "]";
    }
  }

  /**
   * The plans of {@code java -jar controllerJar plan --output json} for {@code specsDir} and {@code
   * inventory}: the controller's own planner, run as a process. A spec or planner error is a {@link
   * LabException} with the controller's first line.
   */
  public static LabPlan of(Path controllerJar, Path specsDir, Inventory inventory) {
    Path file = null;
    try {
      file = Files.createTempFile("pvespan-lab-inventory-", ".json");
      Files.writeString(file, InventoryJson.write(inventory));
      Exec.Result r =
          JarProcess.run(
              controllerJar,
              List.of(
                  "plan",
                  "--output",
                  "json",
                  "--specs",
                  specsDir.toString(),
                  "--inventory",
                  file.toString()),
              PLAN_TIMEOUT);
      if (r.exitCode() != 0) {
        throw new LabException(
            "plan of "
                + specsDir
                + ": "
                + r.stderr().strip().lines().findFirst().orElse("exit " + r.exitCode()));
      }
      return new LabPlan(PlanJson.MAPPER.readValue(r.stdout(), PlanResult.class));
    } catch (IOException e) {
      throw new LabException("plan of " + specsDir + ": " + e.getMessage(), e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  /** Every planned mirror, placed. */
  public List<Placed> mirrors() {
    List<Placed> all = new ArrayList<>();
    for (NodeMirrorPlan plan : result.plans()) {
      for (MirrorEntry e : plan.mirrors()) {
        all.add(place(plan.node(), e));
      }
    }
    return all;
  }

  /** Mirrors that must be in the kernel now (their device exists). */
  public List<Placed> activeMirrors() {
    return mirrors().stream().filter(p -> p.entry().state() == EntryState.ACTIVE).toList();
  }

  /**
   * Active mirrors without filter rules or sampling: the ones whose bytes interface counters
   * predict.
   */
  public List<Placed> countableMirrors() {
    return activeMirrors().stream()
        .filter(p -> p.entry().filter().isEmpty() && p.entry().sample() == null)
        .toList();
  }

  public List<Placed> mirrorsOf(int vmid) {
    return mirrors().stream().filter(p -> p.entry().vmid().value() == vmid).toList();
  }

  public List<Placed> mirrorsOfSession(String session) {
    return mirrors().stream().filter(p -> p.entry().session().equals(session)).toList();
  }

  private Placed place(String node, MirrorEntry e) {
    if (e.target() instanceof LocalTarget l) {
      return new Placed(node, e, node, l.device().value());
    }
    // A tunnel: the copies end where a delivery of the same session takes them into a device.
    Optional<Placed> delivered =
        result.plans().stream()
            .flatMap(
                p ->
                    p.deliveries().stream()
                        .filter(d -> d.session().equals(e.session()))
                        .map(d -> new Placed(node, e, p.node(), deviceOf(d))))
            .findFirst();
    return delivered.orElse(new Placed(node, e, null, null));
  }

  private static String deviceOf(Delivery d) {
    return d.device().value();
  }

  /** {@code inventory} with guest {@code vmid} on {@code node} (a finished migration). */
  public static Inventory moved(Inventory inventory, int vmid, String node) {
    return new Inventory(
        inventory.nodes(),
        inventory.guests().stream()
            .map(g -> g.vmid().value() == vmid ? withNode(g, node) : g)
            .toList());
  }

  /** {@code inventory} with guest {@code vmid}'s tags replaced by {@code tags}. */
  public static Inventory tagged(Inventory inventory, int vmid, List<String> tags) {
    return new Inventory(
        inventory.nodes(),
        inventory.guests().stream()
            .map(
                g ->
                    g.vmid().value() == vmid
                        ? new Guest(
                            g.vmid(),
                            g.type(),
                            g.node(),
                            g.status(),
                            g.name(),
                            tags,
                            g.pool(),
                            g.template(),
                            g.lock(),
                            g.nics())
                        : g)
            .toList());
  }

  private static Guest withNode(Guest g, String node) {
    return new Guest(
        g.vmid(),
        g.type(),
        node,
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        null,
        g.nics());
  }
}
