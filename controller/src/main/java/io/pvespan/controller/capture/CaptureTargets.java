package io.pvespan.controller.capture;

import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.spec.MirrorSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where to capture, from what the controller has in force (pure). The session's mirrored devices
 * are its mirror entries in the plans (their direction the union of the entries'). A session
 * capture takes each device on every node whose plan lists it, so it follows a migration as the
 * plans do (a roaming guest is planned on standby on every node it may resume on, once the
 * controller has seen its {@code lock: migrate}). A VM capture takes its devices on every online
 * node: a device name exists only where the guest runs, so the captures elsewhere wait for it, and
 * a live migration is followed the moment QEMU creates the target's tap, before any poll.
 */
public final class CaptureTargets {
  private CaptureTargets() {}

  public static List<CaptureTarget> of(ControllerSnapshot s, CaptureRequest request)
      throws CaptureRefused {
    List<String> sessions =
        s.specs() == null
            ? List.of()
            : s.specs().sessions().stream().map(MirrorSession::name).sorted().toList();
    if (!sessions.contains(request.session())) {
      throw new CaptureRefused(
          404,
          "no session "
              + request.session()
              + (sessions.isEmpty()
                  ? " (no sessions in force)"
                  : " (sessions: " + String.join(", ", sessions) + ")"));
    }
    Map<InterfaceName, Direction> directions = new TreeMap<>();
    Map<InterfaceName, Set<String>> nodes = new TreeMap<>();
    for (NodeMirrorPlan plan : s.plans()) {
      for (MirrorEntry e : plan.mirrors()) {
        if (!e.session().equals(request.session())
            || (request.vm().isPresent() && !request.vm().get().equals(e.vmid()))) {
          continue;
        }
        directions.merge(e.device(), e.direction(), CaptureTargets::union);
        nodes.computeIfAbsent(e.device(), d -> new TreeSet<>()).add(plan.node());
      }
    }
    if (directions.isEmpty()) {
      throw new CaptureRefused(
          404,
          request.vm().isPresent()
              ? "VM " + request.vm().get() + " is not a source of session " + request.session()
              : "session "
                  + request.session()
                  + " mirrors no guest now (paused, or none selected)");
    }
    List<String> online =
        s.inventory() == null
            ? List.of()
            : s.inventory().nodes().stream()
                .filter(InventoryNode::online)
                .map(InventoryNode::name)
                .toList();
    List<CaptureTarget> out = new ArrayList<>();
    directions.forEach(
        (device, direction) -> {
          Set<String> where = new TreeSet<>(nodes.get(device));
          if (request.vm().isPresent()) {
            where.addAll(online);
          }
          where.forEach(n -> out.add(new CaptureTarget(n, device, direction)));
        });
    out.sort(CaptureTarget.ORDER);
    return out;
  }

  private static Direction union(Direction a, Direction b) {
    return a == b ? a : Direction.BOTH;
  }
}
