package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.ConditionerObject;
import io.pvespan.agent.kernel.FilterMatch;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.MirredMode;
import io.pvespan.agent.kernel.ObservedLink;
import io.pvespan.agent.kernel.ObservedNode;
import io.pvespan.agent.kernel.ObservedQdisc;
import io.pvespan.agent.kernel.Ownership;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.status.DriftItem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@link ConvergePlanner}'s part for copy conditioners ({@link ConditionerPair}) in one
 * computation: the pairs the plan's entries need, their devices, budgets and filters, the pairs no
 * entry needs, and how a pair's state shows on the entries it serves. It shares the computation's
 * action, drift, entry-state and filter lists.
 */
final class ConditionerWork {
  /** {@link ConvergePlanner}'s "copy {@code m}'s device into {@code to}" step. */
  interface MirrorTo {
    String[] plan(MirrorEntry m, EntryKey key, MirrorTarget to);
  }

  private final KernelFeatures features;
  private final ObservedNode node;
  private final Map<InterfaceName, TunnelDevice> plannedTunnels;
  private final List<KernelAction> actions;
  private final List<ConvergeStep.Finding> drift;
  private final Map<EntryKey, String[]> entryState;
  private final List<DesiredFilter> desired;
  private final Predicate<InterfaceName> present;
  private final Consumer<List<DesiredFilter>> commitHooks;
  private final MirrorTo mirrorTo;
  private final Map<InterfaceName, ConditionerPair> pairs = new LinkedHashMap<>();
  private final Map<InterfaceName, String[]> pairState = new HashMap<>();

  /** A conditioner's own filters (not reported) and the pair they belong to. */
  private final Map<EntryKey, InterfaceName> innerOf = new HashMap<>();

  /** The entries a pair serves. */
  private final Map<EntryKey, InterfaceName> conditionedBy = new HashMap<>();

  ConditionerWork(
      KernelFeatures features,
      ObservedNode node,
      Map<InterfaceName, TunnelDevice> plannedTunnels,
      List<KernelAction> actions,
      List<ConvergeStep.Finding> drift,
      Map<EntryKey, String[]> entryState,
      List<DesiredFilter> desired,
      Predicate<InterfaceName> present,
      Consumer<List<DesiredFilter>> commitHooks,
      MirrorTo mirrorTo) {
    this.features = features;
    this.node = node;
    this.plannedTunnels = plannedTunnels;
    this.actions = actions;
    this.drift = drift;
    this.entryState = entryState;
    this.desired = desired;
    this.present = present;
    this.commitHooks = commitHooks;
    this.mirrorTo = mirrorTo;
  }

  /**
   * Whether {@code dev} is the in end of a pair planned in this computation that takes copies: it
   * exists with every filter of its own in place (see {@link #planPair}).
   */
  boolean provides(InterfaceName dev) {
    return pairs.containsKey(dev) && "active".equals(pairState.get(dev)[0]);
  }

  /** Whether {@code key} is a conditioner's own filter (reported within its entries). */
  boolean inner(EntryKey key) {
    return innerOf.containsKey(key);
  }

  /**
   * An entry with a copy conditioner: its device's filters copy into the conditioner pair (one per
   * session, targets and settings on this node; see {@link ConditionerPair}), which cuts, shapes
   * and tags the copies and passes them to the target and the standby targets.
   */
  String[] conditioned(MirrorEntry m, EntryKey key) {
    Conditioner c = m.conditioner();
    Path object = null;
    if (c.snaplen() != null || c.vlan() != null) {
      String what = c.snaplen() != null ? "snaplen" : "vlan";
      if (!features.bpf()) {
        return new String[] {
          "failed", what + " needs the bpf classifier (eBPF), which this kernel lacks"
        };
      }
      Optional<Path> found = ConditionerObject.path();
      if (found.isEmpty()) {
        return new String[] {"failed", ConditionerObject.problem()};
      }
      object = found.get();
    }
    ConditionerPair pair = ConditionerPair.of(m.session(), c, m.target(), m.standbyTargets());
    if (!pairs.containsKey(pair.in())) {
      pairs.put(pair.in(), pair);
      pairState.put(pair.in(), new String[] {"active", null});
      pairState.put(pair.in(), planPair(pair, object));
    }
    conditionedBy.put(key, pair.in());
    String[] own = pairState.get(pair.in());
    if (!"active".equals(own[0])) {
      // The guest's device copies into the pair only once the pair can take every copy: a frame
      // that no filter of the pair redirects would go up the host's own stack on the pair's
      // device (past the firewall bridge and the VLANs). Until then the entry's filter is not
      // planned, so an earlier one goes.
      return new String[] {own[0], "copy conditioner " + pair.in() + ": " + own[1]};
    }
    return mirrorTo.plan(m, key, new LocalTarget(pair.in()));
  }

  /** Plans a conditioner pair's devices, budget and filters; returns its state. */
  String[] planPair(ConditionerPair pair, Path object) {
    Conditioner c = pair.settings();
    ObservedLink in = node.links().get(pair.in());
    ObservedLink out = node.links().get(pair.out());
    boolean exists = in != null && out != null && "veth".equals(in.kind());
    if (!exists) {
      if (in != null) {
        actions.add(new KernelAction.DeleteConditioner(pair.in()));
      }
      drift.add(
          new ConvergeStep.Finding(
              DriftItem.Kind.MISSING,
              "device " + pair.in(),
              "copy conditioner of session " + pair.session()));
      actions.add(new KernelAction.CreateConditioner(pair.in(), pair.out()));
    } else {
      for (ObservedLink l : List.of(in, out)) {
        if (!l.up()) {
          drift.add(
              new ConvergeStep.Finding(DriftItem.Kind.MODIFIED, "device " + l.name(), "down"));
          actions.add(new KernelAction.FixTunnelLink(l.name(), KernelAction.CreateConditioner.MTU));
        }
      }
    }
    if (c.budget() != null) {
      Optional<ObservedQdisc> root = exists ? node.root(pair.shaped()) : Optional.empty();
      boolean shaped =
          root.isPresent()
              && "tbf".equals(root.get().kind())
              && Ownership.CONDITIONER_ROOT_HANDLE.equals(root.get().handle());
      if (!shaped) {
        if (exists) {
          drift.add(
              new ConvergeStep.Finding(
                  DriftItem.Kind.MISSING,
                  "qdisc " + pair.shaped() + " root",
                  "budget " + c.budget()));
        }
        actions.add(new KernelAction.AddConditionerShaper(pair.shaped(), c.budget()));
      }
    }
    InterfaceName target = ConvergePlanner.targetDevice(pair.target());
    if (pair.target() instanceof TunnelTarget && !plannedTunnels.containsKey(target)) {
      return new String[] {"failed", "tunnel " + target + " is not in the plan's tunnels"};
    }
    if (!present.test(target)) {
      boolean tunnel = plannedTunnels.containsKey(target);
      return new String[] {
        tunnel ? "failed" : "waiting",
        (tunnel ? "tunnel " : "sensor device ")
            + target
            + (tunnel ? " cannot be created" : " absent")
      };
    }
    FilterMatch all = FilterMatch.of(List.of(), features);
    List<DesiredFilter> filters = new ArrayList<>();
    // out's ingress: cut, then send the copy back out of out, through the budget's tbf.
    EntryKey cut = inner(pair, pair.out(), "cut");
    filters.add(
        DesiredFilter.of(
            cut,
            pair.out(),
            TcSide.INGRESS,
            null,
            c.snaplen() == null
                ? all
                : new FilterMatch.Ebpf(object, ConditionerObject.SNAPLEN_SECTION, c.snaplen()),
            MirredMode.REDIRECT,
            pair.out()));
    // in's ingress: tag, then to each target (several: each a copy; one: the copy moves on).
    FilterMatch tag =
        c.vlan() == null
            ? all
            : new FilterMatch.Ebpf(
                object, ConditionerObject.VLAN_SECTION, ConditionerObject.VLAN_PRESENT | c.vlan());
    // The standby targets get a copy each (mirror, continue), the target the frame itself
    // (redirect): every frame leaves the pair through a filter, never up the host's stack. The
    // standby filters come first, so on a new pair (its name changes with its targets) they are
    // also evaluated first.
    List<MirrorTarget> targets = new ArrayList<>(pair.standbys());
    targets.add(pair.target());
    for (MirrorTarget t : targets) {
      InterfaceName to = ConvergePlanner.targetDevice(t);
      if (!present.test(to)) {
        continue; // a standby target that is not there yet waits without holding back the rest
      }
      filters.add(
          DesiredFilter.of(
              inner(pair, pair.in(), "to " + to),
              pair.in(),
              TcSide.INGRESS,
              null,
              tag,
              t.equals(pair.target()) ? MirredMode.REDIRECT : MirredMode.MIRROR,
              to));
    }
    commitHooks.accept(filters);
    desired.addAll(filters);
    if (!exists || !inPlace(filters) || (c.budget() != null && !budgeted(pair))) {
      return new String[] {
        "pending", "being built (copies go in once its devices, budget and filters are in place)"
      };
    }
    return new String[] {"active", null};
  }

  /** Every one of {@code filters} is in the kernel as planned (read before this computation). */
  private boolean inPlace(List<DesiredFilter> filters) {
    for (DesiredFilter d : filters) {
      if (node.filters(d.device(), d.side()).stream().noneMatch(d::sameAs)) {
        return false;
      }
    }
    return true;
  }

  private boolean budgeted(ConditionerPair pair) {
    return node.root(pair.shaped())
        .filter(q -> "tbf".equals(q.kind()))
        .filter(q -> Ownership.CONDITIONER_ROOT_HANDLE.equals(q.handle()))
        .isPresent();
  }

  EntryKey inner(ConditionerPair pair, InterfaceName dev, String what) {
    EntryKey k = new EntryKey(EntryKey.CONDITIONER, pair.session(), dev, null, what);
    innerOf.put(k, pair.in());
    entryState.put(k, new String[] {"active", null});
    return k;
  }

  /** Conditioner pairs of ours that no entry uses any more. */
  void unplanned() {
    for (ObservedLink l : node.links().values()) {
      if (ConditionerPair.ours(l.name())
          && l.name().value().startsWith(ConditionerPair.IN_PREFIX)
          && "veth".equals(l.kind())
          && !pairs.containsKey(l.name())) {
        drift.add(
            new ConvergeStep.Finding(
                DriftItem.Kind.UNEXPECTED,
                "device " + l.name(),
                "copy conditioner not in the plan"));
        actions.add(new KernelAction.DeleteConditioner(l.name()));
      }
    }
  }

  /**
   * A conditioner's own filters belong to every entry that uses it: one not in place (pending) or
   * failed shows on them; their counters are not the entries' (they would count copies twice).
   */
  void fold() {
    Map<InterfaceName, String[]> worst = new HashMap<>();
    for (Map.Entry<EntryKey, InterfaceName> e : innerOf.entrySet()) {
      String[] s = entryState.get(e.getKey());
      String[] w = worst.get(e.getValue());
      if (w == null || rank(s[0]) > rank(w[0])) {
        worst.put(e.getValue(), s);
      }
    }
    for (Map.Entry<EntryKey, InterfaceName> e : conditionedBy.entrySet()) {
      String[] s = worst.get(e.getValue());
      String[] mine = entryState.get(e.getKey());
      if (s != null && rank(s[0]) > rank(mine[0])) {
        entryState.put(
            e.getKey(),
            new String[] {
              s[0], "copy conditioner " + e.getValue() + (s[1] == null ? "" : ": " + s[1])
            });
      }
    }
  }

  private static int rank(String state) {
    return switch (state) {
      case "failed" -> 3;
      case "pending" -> 2;
      case "waiting" -> 1;
      default -> 0;
    };
  }

  /**
   * A pair that goes takes its qdiscs and filters with it: deleting them first would only fail
   * ("Cannot find device") once the ip batch has deleted the pair.
   */
  void dropWorkOnDeletedPairs() {
    Set<String> gone = new HashSet<>();
    for (KernelAction a : actions) {
      if (a instanceof KernelAction.DeleteConditioner d && !pairs.containsKey(d.in())) {
        gone.add(d.in().value());
        gone.add(ConditionerPair.OUT_PREFIX + d.in().value().substring(4));
      }
    }
    if (gone.isEmpty()) {
      return;
    }
    actions.removeIf(
        a ->
            (a instanceof KernelAction.DeleteOwnedFilter f && gone.contains(f.device().value()))
                || (a instanceof KernelAction.DeleteOwnedRootQdisc r
                    && gone.contains(r.device().value())));
    drift.removeIf(
        f -> f.object().startsWith("filter ") && gone.contains(f.object().split(" ")[1]));
  }

  /** What the budgets dropped so far, per conditioner pair in the plan. */
  List<CopyDrops> copyDrops() {
    List<CopyDrops> out = new ArrayList<>();
    for (ConditionerPair p : pairs.values()) {
      node.root(p.shaped())
          .filter(q -> "tbf".equals(q.kind()))
          .ifPresent(q -> out.add(new CopyDrops(p.session(), p.in(), q.drops())));
    }
    return out;
  }
}
