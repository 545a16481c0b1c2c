package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.FilterMatch;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.MirredMode;
import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.agent.kernel.ObservedLink;
import io.pvespan.agent.kernel.ObservedNode;
import io.pvespan.agent.kernel.ObservedQdisc;
import io.pvespan.agent.kernel.Ownership;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.agent.kernel.TunnelCommands;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.Delivery;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.MirrorTarget;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.plan.TunnelTarget;
import io.pvespan.status.DriftItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pure heart of the agent: plan + observed kernel + features in, actions + drift + entry states
 * out. Desired = plan entries whose devices exist now (others wait); observed = only what is ours.
 * No I/O, no clock: table-testable, and run again on the re-read kernel to verify.
 */
final class ConvergePlanner {
  /** The {@link EntryKey#peer()} prefix of a standby target's filters. */
  static final String STANDBY = "standby ";

  static final String SHARE = "share ";

  private final KernelFeatures features;
  private final java.util.function.ToIntFunction<InterfaceName> guard;

  static InterfaceName targetDevice(MirrorTarget t) {
    return t instanceof LocalTarget l ? l.device() : ((TunnelTarget) t).device();
  }

  ConvergePlanner(KernelFeatures features) {
    this(features, in -> 1);
  }

  /**
   * {@code guard}: the copy guard's factor G per conditioner pair ({@link CopyGuard#factor}); the
   * guest devices' filters into that pair clone 1/G of what they match (1: all of it).
   */
  ConvergePlanner(KernelFeatures features, java.util.function.ToIntFunction<InterfaceName> guard) {
    this.features = features;
    this.guard = guard;
  }

  ConvergeStep plan(NodeMirrorPlan plan, ObservedNode node) {
    return plan(plan, node, Set.of());
  }

  /**
   * {@code held}: devices on which no qdisc may be created now ({@link PlugSettling}); filters
   * still go onto qdiscs that exist there, and a side that would need a new qdisc waits.
   */
  ConvergeStep plan(NodeMirrorPlan plan, ObservedNode node, Set<InterfaceName> held) {
    Work w = new Work(plan, node, held);
    w.tunnels();
    for (MirrorEntry m : plan.mirrors()) {
      w.mirror(m);
    }
    w.conditioners.unplanned();
    Map<InterfaceName, Long> deliveriesFrom = new HashMap<>();
    for (Delivery d : plan.deliveries()) {
      deliveriesFrom.merge(d.from(), 1L, Long::sum);
    }
    for (Delivery d : plan.deliveries()) {
      w.delivery(d, deliveriesFrom.get(d.from()) == 1);
    }
    w.filters();
    return w.result();
  }

  /**
   * {@code match} cloning 1/{@code guard}, or {@code match} itself when the guard's three
   * instructions do not fit (a program at the kernel's 4096-instruction limit): that entry is then
   * not guarded, its budget's tbf still caps it.
   */
  static FilterMatch guardedOrNot(FilterMatch match, int guard) {
    try {
      return FilterMatch.guarded(match, guard);
    } catch (IllegalArgumentException e) {
      return match;
    }
  }

  /** The state of one computation. */
  private final class Work {
    final NodeMirrorPlan plan;
    final ObservedNode node;
    final Map<InterfaceName, TunnelDevice> plannedTunnels = new HashMap<>();
    final Set<InterfaceName> unusableTunnels = new TreeSet<>();
    final List<KernelAction> actions = new ArrayList<>();
    final List<ConvergeStep.Finding> drift = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final Map<EntryKey, String[]> entryState = new LinkedHashMap<>();
    final List<DesiredFilter> desired = new ArrayList<>();
    final Set<InterfaceName> ingressAdded = new LinkedHashSet<>();
    final Set<InterfaceName> rootAdded = new LinkedHashSet<>();
    final Set<InterfaceName> held;
    final Map<EntryKey, EntryKey> standbyOf = new HashMap<>();
    final ConditionerWork conditioners;

    Work(NodeMirrorPlan plan, ObservedNode node, Set<InterfaceName> held) {
      this.plan = plan;
      this.node = node;
      this.held = held;
      this.conditioners =
          new ConditionerWork(
              features,
              node,
              plannedTunnels,
              actions,
              drift,
              entryState,
              desired,
              this::present,
              this::commitHooks,
              (m, key, to) -> mirrorTo(m, key, to, guard.applyAsInt(targetDevice(to))));
    }

    void tunnels() {
      for (TunnelDevice t : plan.tunnels()) {
        plannedTunnels.put(t.device(), t);
        if (!features.supports(t.encapsulation())) {
          unusableTunnels.add(t.device());
          problems.add(
              "tunnel "
                  + t.device()
                  + ": this kernel has no "
                  + t.encapsulation().json()
                  + " devices");
          continue;
        }
        ObservedLink l = node.links().get(t.device());
        try {
          if (l == null) {
            TunnelCommands.create(t); // validates addresses before anything is planned
            drift.add(
                new ConvergeStep.Finding(
                    DriftItem.Kind.MISSING, "device " + t.device(), t.type() + " tunnel"));
            actions.add(new KernelAction.CreateTunnel(t));
          } else if (!TunnelCommands.sameIdentity(t, l)) {
            drift.add(
                new ConvergeStep.Finding(
                    DriftItem.Kind.MODIFIED,
                    "device " + t.device(),
                    "tunnel parameters differ from the plan"));
            actions.add(new KernelAction.DeleteTunnel(t.device()));
            actions.add(new KernelAction.CreateTunnel(t));
          } else if (l.mtu() != t.mtu() || !l.up()) {
            drift.add(
                new ConvergeStep.Finding(
                    DriftItem.Kind.MODIFIED,
                    "device " + t.device(),
                    "mtu " + l.mtu() + (l.up() ? "" : ", down")));
            actions.add(new KernelAction.FixTunnelLink(t.device(), t.mtu()));
          }
        } catch (IllegalArgumentException e) {
          unusableTunnels.add(t.device());
          problems.add("tunnel " + t.device() + ": " + e.getMessage());
        }
      }
      for (ObservedLink l : node.links().values()) {
        if (l.name().value().startsWith(TunnelDevice.NAME_PREFIX)
            && l.tunnel() != null
            && !plannedTunnels.containsKey(l.name())) {
          drift.add(
              new ConvergeStep.Finding(
                  DriftItem.Kind.UNEXPECTED,
                  "device " + l.name(),
                  l.kind() + " tunnel not in the plan"));
          actions.add(new KernelAction.DeleteTunnel(l.name()));
        }
      }
    }

    /** A device that exists now or is one of our tunnels created in this converge. */
    boolean present(InterfaceName dev) {
      return node.exists(dev)
          || (plannedTunnels.containsKey(dev) && !unusableTunnels.contains(dev))
          || conditioners.provides(dev);
    }

    void mirror(MirrorEntry m) {
      // A sensor group's member entries share device, session and direction: the share tells
      // them apart (its index; the filter's identity is its target, see DesiredFilter).
      String member = m.share() == null ? "" : SHARE + m.share().index();
      EntryKey key = new EntryKey(EntryKey.MIRROR, m.session(), m.device(), m.direction(), member);
      if (entryState.containsKey(key)) {
        return;
      }
      if (m.conditioner() != null) {
        entryState.put(key, conditioners.conditioned(m, key));
        return;
      }
      entryState.put(key, mirrorTo(m, key, m.target()));
      // While the sensor VM roams, copies also go where it may resume: one filter per target,
      // so a standby target that does not exist yet waits without holding back the others.
      for (MirrorTarget standby : m.standbyTargets()) {
        EntryKey sk =
            new EntryKey(
                EntryKey.MIRROR,
                m.session(),
                m.device(),
                m.direction(),
                member + STANDBY + targetDevice(standby));
        standbyOf.put(sk, key);
        entryState.put(sk, mirrorTo(m, sk, standby));
      }
    }

    String[] mirrorTo(MirrorEntry m, EntryKey key, MirrorTarget to) {
      return mirrorTo(m, key, to, 1);
    }

    /**
     * Plans the filters copying {@code m}'s device into {@code to}, cloning 1/{@code guard} of what
     * they match (the copy guard's factor for a conditioner pair, else 1); returns the entry's
     * state.
     */
    String[] mirrorTo(MirrorEntry m, EntryKey key, MirrorTarget to, int guard) {
      InterfaceName target = targetDevice(to);
      if (!node.exists(m.device())) {
        return new String[] {"waiting", "device " + m.device() + " absent"};
      }
      if (to instanceof TunnelTarget && !plannedTunnels.containsKey(target)) {
        return new String[] {"failed", "tunnel " + target + " is not in the plan's tunnels"};
      }
      if (!present(target)) {
        boolean tunnel = plannedTunnels.containsKey(target);
        return new String[] {
          tunnel ? "failed" : "waiting",
          (tunnel ? "tunnel " : "sensor device ")
              + target
              + (tunnel ? " cannot be created" : " absent")
        };
      }
      // Each hook runs only the rules for its side; a side none of the rules is for needs no
      // filter (with a filter, unmatched traffic is not mirrored).
      Map<TcSide, FilterMatch> matches = new java.util.EnumMap<>(TcSide.class);
      try {
        for (TcSide side : TcSide.forVmDirection(m.direction())) {
          match(m, side).ifPresent(found -> matches.put(side, found));
        }
      } catch (IllegalArgumentException e) {
        return new String[] {"failed", e.getMessage()};
      }
      List<DesiredFilter> mine = new ArrayList<>();
      boolean settling = false;
      for (TcSide side : matches.keySet()) {
        FilterMatch match = matches.get(side);
        if (held.contains(m.device()) && needsQdisc(m.device(), side)) {
          settling = true; // Proxmox may be plugging it: its qdisc, or ours once it is quiet
          continue;
        }
        Optional<String> handle = hook(m.device(), side);
        if (handle.isEmpty()) {
          ObservedQdisc root = node.root(m.device()).orElseThrow();
          return new String[] {
            "failed",
            "root qdisc "
                + root.kind()
                + " "
                + root.handle()
                + " on "
                + m.device()
                + " is not ours and takes no filters"
          };
        }
        // Without the bpf classifier a guard cannot be expressed: every match is cloned, the tbf
        // still caps delivery.
        FilterMatch guarded = guard > 1 && features.bpf() ? guardedOrNot(match, guard) : match;
        DesiredFilter f =
            DesiredFilter.of(
                key, m.device(), side, handle.get(), guarded, MirredMode.MIRROR, target);
        mine.add(ConditionerPair.ours(target) ? f.guarding(match) : f);
      }
      commitHooks(mine);
      desired.addAll(mine);
      return settling
          ? new String[] {
            "waiting",
            "device "
                + m.device()
                + " is being plugged: waiting for Proxmox's qdiscs or a quiet device"
          }
          : new String[] {"active", null};
    }

    /** Whether a filter on {@code side} of {@code dev} needs a qdisc that is not there yet. */
    boolean needsQdisc(InterfaceName dev, TcSide side) {
      if (side == TcSide.INGRESS) {
        return !node.hasIngressHook(dev);
      }
      Optional<ObservedQdisc> root = node.root(dev);
      return root.isEmpty() || root.get().kernelDefault();
    }

    /**
     * What {@code m} copies on {@code side}: the rules for that side after that side's exclusions;
     * empty when the entry has rules but none for this side (that hook needs no filter).
     */
    Optional<FilterMatch> match(MirrorEntry m, TcSide side) {
      // tc ingress of the tap is what the VM sends (egress seen from the VM), and the other way.
      // Without the bpf classifier the exclusions cannot be expressed: copy everything (the
      // sensor may see a packet twice, never zero times) rather than fail the entry.
      List<io.pvespan.plan.Exclusion> exclusions =
          features.bpf()
              ? m.exclusionsOn(side == TcSide.INGRESS ? Direction.EGRESS : Direction.INGRESS)
              : List.of();
      if (!m.filter().isEmpty() && !features.bpf()) {
        throw new IllegalArgumentException(
            "filter rules need the bpf classifier, which this kernel lacks");
      }
      if (m.sample() != null && !features.bpf()) {
        throw new IllegalArgumentException(
            "sample " + m.sample() + " needs the bpf classifier, which this kernel lacks");
      }
      if (m.filter().isEmpty() && m.sample() == null && !features.matchall() && !features.u32()) {
        throw new IllegalArgumentException("this kernel has neither matchall nor u32");
      }
      if (m.share() != null && !m.share().everything() && !features.bpf()) {
        throw new IllegalArgumentException(
            "a sensor group share needs the bpf classifier, which this kernel lacks");
      }
      return FilterMatch.forHook(m.filter(), m.sample(), exclusions, m.share(), side, features);
    }

    void delivery(Delivery d, boolean only) {
      EntryKey key =
          new EntryKey(EntryKey.DELIVERY, d.session(), d.from(), null, d.device().value());
      if (entryState.containsKey(key)) {
        return;
      }
      if (!present(d.from())) {
        entryState.put(key, new String[] {"waiting", "tunnel " + d.from() + " absent"});
        return;
      }
      if (!node.exists(d.device())) {
        entryState.put(key, new String[] {"waiting", "sensor device " + d.device() + " absent"});
        return;
      }
      FilterMatch all = FilterMatch.of(List.of(), features);
      // One delivery per tunnel moves the frames (redirect); several each take a copy.
      DesiredFilter f =
          DesiredFilter.of(
              key,
              d.from(),
              TcSide.INGRESS,
              null,
              all,
              only ? MirredMode.REDIRECT : MirredMode.MIRROR,
              d.device());
      commitHooks(List.of(f));
      desired.add(f);
      entryState.put(key, new String[] {"active", null});
    }

    /** The root handle for egress filters ("" for ingress); empty when the root takes none. */
    Optional<String> hook(InterfaceName dev, TcSide side) {
      if (side == TcSide.INGRESS) {
        return Optional.of("");
      }
      Optional<ObservedQdisc> root = node.root(dev);
      if (root.isEmpty() || root.get().kernelDefault()) {
        return Optional.of(Ownership.ROOT_HANDLE);
      }
      return "htb".equals(root.get().kind()) ? Optional.of(root.get().handle()) : Optional.empty();
    }

    void commitHooks(List<DesiredFilter> filters) {
      for (DesiredFilter f : filters) {
        if (f.side() == TcSide.INGRESS
            && !node.hasIngressHook(f.device())
            && ingressAdded.add(f.device())) {
          actions.add(new KernelAction.AddIngressQdisc(f.device()));
        }
        if (f.side() == TcSide.EGRESS) {
          Optional<ObservedQdisc> root = node.root(f.device());
          if ((root.isEmpty() || root.get().kernelDefault()) && rootAdded.add(f.device())) {
            actions.add(new KernelAction.AddRootQdisc(f.device()));
          }
        }
      }
    }

    void filters() {
      FilterDiff diff = new FilterDiff(node, desired, entryState, actions, drift);
      diff.run();
    }

    /**
     * A standby target is part of its entry: its copies count there; a failed standby fails the
     * entry (the sensor would lose copies if it resumed there); one active target makes it active.
     */
    void foldStandbys(Map<EntryKey, List<ConvergeStep.FilterCount>> counts) {
      for (Map.Entry<EntryKey, EntryKey> e : standbyOf.entrySet()) {
        List<ConvergeStep.FilterCount> c = counts.get(e.getKey());
        if (c != null) {
          counts.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).addAll(c);
        }
        String[] standby = entryState.get(e.getKey());
        String[] primary = entryState.get(e.getValue());
        String where = e.getKey().peer();
        if ("failed".equals(standby[0]) && !"failed".equals(primary[0])) {
          entryState.put(e.getValue(), new String[] {"failed", where + ": " + standby[1]});
        } else if ("active".equals(standby[0]) && "waiting".equals(primary[0])) {
          entryState.put(e.getValue(), new String[] {"active", null});
        }
      }
    }

    ConvergeStep result() {
      List<ConvergeStep.EntryOutcome> out = new ArrayList<>();
      Map<EntryKey, List<ConvergeStep.FilterCount>> counts = new HashMap<>();
      Map<io.pvespan.agent.kernel.OwnershipCookie, DesiredFilter> byCookie = new HashMap<>();
      for (DesiredFilter d : desired) {
        byCookie.put(d.cookie(), d);
      }
      for (ObservedFilter f : node.filters()) {
        DesiredFilter d = f.ours() ? byCookie.get(f.cookie()) : null;
        if (d != null && d.device().equals(f.dev()) && d.side() == f.side() && d.sameAs(f)) {
          counts
              .computeIfAbsent(d.entry(), k -> new ArrayList<>())
              .add(
                  new ConvergeStep.FilterCount(
                      f.dev(), f.side(), f.toDev(), f.cookie(), f.packets(), f.bytes()));
        }
      }
      foldStandbys(counts);
      conditioners.fold();
      for (Map.Entry<EntryKey, String[]> e : entryState.entrySet()) {
        if (standbyOf.containsKey(e.getKey()) || conditioners.inner(e.getKey())) {
          continue; // reported within its entry
        }
        out.add(
            new ConvergeStep.EntryOutcome(
                e.getKey(),
                e.getValue()[0],
                e.getValue()[1],
                counts.getOrDefault(e.getKey(), List.of())));
      }
      conditioners.dropWorkOnDeletedPairs();
      actions.sort(java.util.Comparator.comparingInt(KernelAction::stage));
      return new ConvergeStep(actions, drift, out, problems, conditioners.copyDrops());
    }
  }
}
