package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.agent.kernel.ObservedNode;
import io.pvespan.agent.kernel.ObservedQdisc;
import io.pvespan.agent.kernel.Ownership;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.DriftItem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compares desired filters with the filters of ours on each device side: identical ones are adopted
 * (no write), ones with our identity but other content are {@code modified} (replaced at the same
 * priority), missing ones are added at the lowest free priority of our range (a priority any
 * filter, ours or foreign, occupies is never reused), and ours that no entry wants are {@code
 * unexpected} (deleted). Foreign filters are only ever read.
 */
final class FilterDiff {
  private record Side(InterfaceName dev, TcSide side) {}

  private final ObservedNode node;
  private final List<DesiredFilter> desired;
  private final Map<EntryKey, String[]> entryState;
  private final List<KernelAction> actions;
  private final List<ConvergeStep.Finding> drift;

  FilterDiff(
      ObservedNode node,
      List<DesiredFilter> desired,
      Map<EntryKey, String[]> entryState,
      List<KernelAction> actions,
      List<ConvergeStep.Finding> drift) {
    this.node = node;
    this.desired = desired;
    this.entryState = entryState;
    this.actions = actions;
    this.drift = drift;
  }

  void run() {
    Map<Side, List<DesiredFilter>> want = new LinkedHashMap<>();
    for (DesiredFilter d : desired) {
      want.computeIfAbsent(new Side(d.device(), d.side()), k -> new ArrayList<>()).add(d);
    }
    Map<Side, List<ObservedFilter>> all = new LinkedHashMap<>();
    for (ObservedFilter f : node.filters()) {
      all.computeIfAbsent(new Side(f.dev(), f.side()), k -> new ArrayList<>()).add(f);
    }
    Set<Side> sides = new java.util.LinkedHashSet<>(want.keySet());
    for (Map.Entry<Side, List<ObservedFilter>> e : all.entrySet()) {
      if (e.getValue().stream().anyMatch(ObservedFilter::ours)) {
        sides.add(e.getKey());
      }
    }
    for (Side s : sides) {
      side(s, want.getOrDefault(s, List.of()), all.getOrDefault(s, List.of()));
    }
    ownRootsNoLongerNeeded(want, all);
  }

  private void side(Side s, List<DesiredFilter> want, List<ObservedFilter> observed) {
    Set<Integer> occupied = new HashSet<>();
    List<ObservedFilter> ours = new ArrayList<>();
    for (ObservedFilter f : observed) {
      occupied.add(f.prio());
      if (f.ours() && Ownership.reservedPrio(f.prio())) {
        ours.add(f);
      }
    }
    String handle = s.side() == TcSide.INGRESS ? null : rootHandle(s.dev(), want);
    Set<ObservedFilter> used = new HashSet<>();
    for (DesiredFilter d : want) {
      ObservedFilter o =
          ours.stream()
              .filter(f -> !used.contains(f) && f.cookie().identity().equals(d.cookie().identity()))
              .findFirst()
              .orElse(null);
      if (o != null) {
        used.add(o);
      }
      if (o != null && d.sameAs(o)) {
        continue;
      }
      int prio;
      if (o != null) {
        prio = o.prio();
        // A filter the copy guard changed the factor of (or a restarted agent starts again at 1)
        // is replaced without being drift.
        if (!d.guardVariant(o)) {
          drift.add(
              new ConvergeStep.Finding(
                  DriftItem.Kind.MODIFIED,
                  d.object(prio),
                  "session "
                      + d.entry().session()
                      + ": mirrors to "
                      + o.toDev()
                      + " ("
                      + o.mode()
                      + ", "
                      + o.control()
                      + "), planned "
                      + d.target()));
        }
        actions.add(new KernelAction.DeleteOwnedFilter(s.dev(), s.side(), handle, prio, false));
      } else {
        prio = free(occupied);
        if (prio < 0) {
          entryState.put(
              d.entry(),
              new String[] {
                "failed",
                "no free filter priority in "
                    + Ownership.MIN_PRIO
                    + ".."
                    + Ownership.MAX_PRIO
                    + " on "
                    + s.dev()
              });
          continue;
        }
        drift.add(
            new ConvergeStep.Finding(
                DriftItem.Kind.MISSING,
                d.object(prio),
                "session " + d.entry().session() + " to " + d.target()));
      }
      occupied.add(prio);
      actions.add(
          new KernelAction.AddMirrorFilter(
              s.dev(), s.side(), handle, prio, d.match(), d.mode(), d.target(), d.cookie()));
      String[] state = entryState.get(d.entry());
      if (state != null && "active".equals(state[0])) {
        state[0] = "pending";
      }
    }
    for (ObservedFilter o : ours) {
      if (!used.contains(o)) {
        drift.add(
            new ConvergeStep.Finding(
                DriftItem.Kind.UNEXPECTED,
                "filter " + s.dev() + " " + s.side().word() + " prio " + o.prio(),
                "mirrors to " + o.toDev() + ", in no plan entry"));
        actions.add(new KernelAction.DeleteOwnedFilter(s.dev(), s.side(), handle, o.prio(), true));
      }
    }
  }

  private String rootHandle(InterfaceName dev, List<DesiredFilter> want) {
    if (!want.isEmpty()) {
      return want.get(0).rootHandle();
    }
    return node.root(dev).map(ObservedQdisc::handle).orElse(Ownership.ROOT_HANDLE);
  }

  private static int free(Set<Integer> occupied) {
    for (int p = Ownership.MIN_PRIO; p <= Ownership.MAX_PRIO; p++) {
      if (!occupied.contains(p)) {
        return p;
      }
    }
    return -1;
  }

  /** Our root htb goes when no filter is left on it: nothing planned, nothing foreign. */
  private void ownRootsNoLongerNeeded(
      Map<Side, List<DesiredFilter>> want, Map<Side, List<ObservedFilter>> all) {
    for (Map.Entry<InterfaceName, List<ObservedQdisc>> e : node.qdiscs().entrySet()) {
      Optional<ObservedQdisc> root = e.getValue().stream().filter(ObservedQdisc::root).findFirst();
      if (root.isEmpty()
          || !"htb".equals(root.get().kind())
          || !Ownership.ROOT_HANDLE.equals(root.get().handle())) {
        continue;
      }
      Side s = new Side(e.getKey(), TcSide.EGRESS);
      boolean foreign = all.getOrDefault(s, List.of()).stream().anyMatch(f -> !f.ours());
      if (!want.containsKey(s) && !foreign) {
        drift.add(
            new ConvergeStep.Finding(
                DriftItem.Kind.UNEXPECTED,
                "qdisc " + e.getKey() + " root " + Ownership.ROOT_HANDLE,
                "ours, no mirror needs it"));
        actions.add(new KernelAction.DeleteOwnedRootQdisc(e.getKey()));
      }
    }
  }
}
