package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.BatchResult;
import io.pvespan.agent.kernel.CommandLine;
import io.pvespan.agent.kernel.CommandRunner;
import io.pvespan.agent.kernel.KernelCommandException;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.KernelObserver;
import io.pvespan.agent.kernel.KernelProbe;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ObservedNode;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.kernel.Tool;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.TunnelDevice;
import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.KernelCapabilities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Converger} over iproute2: observe (2 processes), plan the difference ({@link
 * ConvergePlanner}), apply it in at most one {@code ip} and one {@code tc} batch, read back and
 * verify. With nothing to change it spawns exactly the 2 observing processes and writes nothing.
 * Rules already in the kernel are adopted by their cookie, so a restarted agent flushes nothing.
 * Thread-safe (converges are serialised).
 */
public final class KernelConverger implements Converger {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final CommandRunner runner;
  private final KernelObserver observer;
  private final KernelFeatures features;
  private final ConvergePlanner planner;
  private final Clock clock;
  private final Map<String, Instant> driftSince = new HashMap<>();
  private final CounterCarry counters = new CounterCarry();
  private volatile java.util.function.ToIntFunction<InterfaceName> guard = in -> 1;

  public KernelConverger(CommandRunner runner, KernelFeatures features, Clock clock) {
    this.runner = runner;
    this.observer = new KernelObserver(runner);
    this.features = features;
    this.planner = new ConvergePlanner(features, in -> guard.applyAsInt(in));
    this.clock = clock;
  }

  /**
   * From now on the desired state clones 1/G of the matched frames into each conditioner pair, G
   * from {@code factors} ({@link CopyGuard#factor}); a filter at another factor is replaced without
   * being reported as drift.
   */
  public void guardWith(java.util.function.ToIntFunction<InterfaceName> factors) {
    this.guard = java.util.Objects.requireNonNull(factors);
  }

  /** The filters of {@code devices} with counters, for the {@link CopyGuard} (one process). */
  public List<io.pvespan.agent.kernel.ObservedFilter> filterCounters(Set<InterfaceName> devices)
      throws KernelCommandException {
    return observer.filters(devices);
  }

  /**
   * The production wiring: a {@link ProcessCommandRunner} in {@code netnsOrNull} (null: the agent's
   * own namespace), capabilities probed now in a scratch namespace.
   */
  public static KernelConverger create(NetnsName netnsOrNull, Clock clock) {
    CommandRunner runner = new ProcessCommandRunner(netnsOrNull, COMMAND_TIMEOUT);
    // The scratch namespace is created from the agent's own namespace, never through `ip -n`:
    // `ip -n X netns add Y` bind-mounts Y inside the private mount namespace `-n` switches into,
    // so /run/netns/Y is left as an empty file no later command can enter. Capabilities are per
    // kernel, so probing from here answers for the node namespace too.
    KernelFeatures features =
        KernelProbe.probe(
            new ProcessCommandRunner(null, COMMAND_TIMEOUT),
            ns -> new ProcessCommandRunner(ns, COMMAND_TIMEOUT));
    return new KernelConverger(runner, features, clock);
  }

  public KernelFeatures features() {
    return features;
  }

  public CommandRunner runner() {
    return runner;
  }

  @Override
  public KernelCapabilities capabilities() {
    return features.toStatus();
  }

  @Override
  public java.util.Optional<String> unusable() {
    return features.unusable();
  }

  @Override
  public synchronized ConvergeReport converge(NodeMirrorPlan plan, Holds held) {
    return run(plan, observer::observe, this::reread, true, held);
  }

  /**
   * Narrow converge for an event on {@code device} when it is only a mirror source in the plan (a
   * VM's tap appeared, was re-plugged or wiped): reads that device and its targets only (2
   * processes whatever the node's size), writes at most one batch per tool, re-reads the same. A
   * sensor device, a tunnel or any {@code psp} device takes the full converge; a device the plan
   * does not name at all needs no work (an empty report).
   */
  @Override
  public synchronized ConvergeReport convergeDevice(
      NodeMirrorPlan plan, String device, Holds held) {
    InterfaceName dev;
    try {
      dev = InterfaceName.of(device);
    } catch (IllegalArgumentException e) {
      return converge(plan, held);
    }
    List<io.pvespan.plan.MirrorEntry> sources = new ArrayList<>();
    Set<InterfaceName> targets = new java.util.TreeSet<>();
    boolean elsewhere = false;
    for (io.pvespan.plan.MirrorEntry m : plan.mirrors()) {
      List<InterfaceName> mine = new ArrayList<>();
      mine.add(ConvergePlanner.targetDevice(m.target()));
      m.standbyTargets().forEach(t -> mine.add(ConvergePlanner.targetDevice(t)));
      elsewhere |= mine.contains(dev);
      if (m.device().equals(dev)) {
        sources.add(m);
        targets.addAll(mine);
      }
    }
    for (io.pvespan.plan.TunnelDevice t : plan.tunnels()) {
      elsewhere |= t.device().equals(dev);
    }
    for (io.pvespan.plan.Delivery d : plan.deliveries()) {
      elsewhere |= d.from().equals(dev) || d.device().equals(dev);
    }
    if (sources.isEmpty() && !elsewhere && !dev.value().startsWith(TunnelDevice.NAME_PREFIX)) {
      // Nothing is planned on or into this device (a peer, a firewall bridge...): no work. Rules
      // of ours left on a device that left the plan go with the next full converge.
      return new ConvergeReport(List.of(), 0, List.of(), List.of(), 0, Duration.ZERO);
    }
    if (sources.isEmpty() || elsewhere || sources.stream().anyMatch(m -> m.conditioner() != null)) {
      // A copy conditioner's pair and its filters are not on this device: read everything.
      return converge(plan, held);
    }
    NodeMirrorPlan narrow =
        NodeMirrorPlan.of(
            plan.node(),
            plan.generation(),
            sources,
            plan.tunnels().stream().filter(t -> targets.contains(t.device())).toList(),
            List.of());
    Set<InterfaceName> devices = new java.util.TreeSet<>(targets);
    devices.add(dev);
    Observation read = () -> observer.observeDevice(dev, devices);
    return run(narrow, read, (before, actions) -> read.get(), false, held);
  }

  private interface Observation {
    ObservedNode get() throws KernelCommandException;
  }

  private interface Reread {
    ObservedNode get(ObservedNode before, List<KernelAction> actions) throws KernelCommandException;
  }

  private ConvergeReport run(
      NodeMirrorPlan plan, Observation observe, Reread reread, boolean full, Holds held) {
    Instant start = clock.instant();
    long spawnedBefore = runner.processesSpawned();
    List<String> failures = new ArrayList<>();
    List<DriftItem> drift = List.of();
    List<EntryStatus> entries = List.of();
    List<io.pvespan.status.GuestDevice> guests = null;
    List<CopyDrops> drops = List.of();
    int writes = 0;
    try {
      ObservedNode before = observe.get();
      guests = full ? GuestDevices.of(before.links().values()) : null;
      failures.addAll(before.problems());
      Set<InterfaceName> heldAtRead = held.now();
      ConvergeStep step = planner.plan(plan, before, heldAtRead);
      if (step.actions().stream().anyMatch(KernelConverger::createsQdisc)) {
        // Proxmox may have begun plugging while we read: ask again right before writing.
        Set<InterfaceName> heldNow = held.now();
        if (!heldNow.equals(heldAtRead)) {
          heldAtRead = heldNow;
          step = planner.plan(plan, before, heldAtRead);
        }
      }
      drift = stamp(step.drift(), start, full);
      failures.addAll(step.problems());
      ConvergeStep last = step;
      if (!step.actions().isEmpty()) {
        writes = apply(step.actions(), failures);
        ObservedNode after = reread.get(before, step.actions());
        last = planner.plan(plan, after, heldAtRead);
        if (buildsConditioner(step.actions()) && !last.actions().isEmpty()) {
          // A copy conditioner takes copies only once it is seen complete (ConditionerWork): the
          // guest devices' filters into a pair built in this round are added in a second one.
          List<String> again = new ArrayList<>();
          writes += apply(last.actions(), again);
          failures.addAll(again.stream().filter(f -> !failures.contains(f)).toList());
          after = reread.get(after, last.actions());
          last = planner.plan(plan, after, heldAtRead);
        }
        guests = full ? GuestDevices.of(after.links().values()) : null;
        for (ConvergeStep.Finding f : last.drift()) {
          failures.add("after apply still " + f.kind().json() + ": " + f.object());
        }
      }
      entries = statuses(last, failures);
      drops = last.copyDrops();
    } catch (KernelCommandException | RuntimeException e) {
      failures.add("converge: " + e.getMessage());
    }
    Duration took = Duration.between(start, clock.instant());
    int spawned = (int) (runner.processesSpawned() - spawnedBefore);
    return new ConvergeReport(drift, writes, entries, failures, spawned, took, guests, drops);
  }

  private static boolean buildsConditioner(List<KernelAction> actions) {
    return actions.stream()
        .anyMatch(
            a ->
                a instanceof KernelAction.CreateConditioner
                    || a instanceof KernelAction.AddConditionerShaper
                    || (a instanceof KernelAction.AddMirrorFilter f
                        && ConditionerPair.ours(f.device())));
  }

  private static boolean createsQdisc(KernelAction a) {
    return a instanceof KernelAction.AddIngressQdisc || a instanceof KernelAction.AddRootQdisc;
  }

  /**
   * Verification read: everything when devices changed, else only tc (one process) for the devices
   * already known.
   */
  private ObservedNode reread(ObservedNode before, List<KernelAction> actions)
      throws KernelCommandException {
    if (actions.stream().anyMatch(a -> a.tool() == Tool.IP)) {
      return observer.observe();
    }
    Set<InterfaceName> htbNow = new java.util.HashSet<>();
    for (KernelAction a : actions) {
      if (a instanceof KernelAction.AddRootQdisc r) {
        htbNow.add(r.device());
      }
    }
    return observer.observeTc(before.links(), htbNow);
  }

  /** Applies in one batch per tool, ip first (tunnels the filters point at), then tc. */
  private int apply(List<KernelAction> actions, List<String> failures) {
    int writes = 0;
    for (Tool tool : List.of(Tool.IP, Tool.TC)) {
      List<CommandLine> lines = new ArrayList<>();
      for (KernelAction a : actions) {
        if (a.tool() == tool) {
          lines.addAll(a.commands());
        }
      }
      if (lines.isEmpty()) {
        continue;
      }
      try {
        BatchResult r = runner.batch(tool, Set.of(), lines);
        for (Map.Entry<Integer, String> f : r.failedLines().entrySet()) {
          failures.add(
              tool.name().toLowerCase() + " " + lines.get(f.getKey() - 1) + ": " + f.getValue());
        }
        writes += lines.size() - r.failedLines().size();
      } catch (KernelCommandException e) {
        failures.add(e.getMessage());
      }
    }
    return writes;
  }

  /**
   * For an entry whose copy conditioner is not in place ({@code message} names its {@code in} end):
   * the first refused command on either end of the pair (e.g. the kernel refusing the eBPF
   * program), so the entry says why.
   */
  private static java.util.Optional<String> conditionerRefusal(
      String message, List<String> failures) {
    java.util.regex.Matcher m =
        message == null
            ? null
            : java.util.regex.Pattern.compile("copy conditioner pspq([0-9a-f]{8})")
                .matcher(message);
    if (m == null || !m.find()) {
      return java.util.Optional.empty();
    }
    return refusalOn(InterfaceName.of("pspq" + m.group(1)), failures)
        .or(() -> refusalOn(InterfaceName.of("pspr" + m.group(1)), failures))
        .map(r -> "copy conditioner: " + r);
  }

  /**
   * The first failed tc command on {@code dev} ({@code tc filter add dev DEV ...: reason}); the
   * first {@code dev} of a tc line is the device it acts on (a later one is a mirred target).
   */
  private static java.util.Optional<String> refusalOn(InterfaceName dev, List<String> failures) {
    return failures.stream()
        .filter(
            f -> {
              int at = f.indexOf(" dev ");
              return f.startsWith("tc ")
                  && at >= 0
                  && f.startsWith(dev.value() + " ", at + " dev ".length());
            })
        .findFirst()
        .map(f -> "the kernel refused: " + f);
  }

  /** Drift with since-when; a full converge forgets what it no longer sees, a narrow one not. */
  private List<DriftItem> stamp(List<ConvergeStep.Finding> findings, Instant now, boolean full) {
    Map<String, Instant> still = new HashMap<>();
    List<DriftItem> out = new ArrayList<>();
    for (ConvergeStep.Finding f : findings) {
      String key = f.kind() + " " + f.object();
      Instant since = driftSince.getOrDefault(key, now);
      still.put(key, since);
      out.add(new DriftItem(f.kind(), f.object(), f.detail(), since));
    }
    if (full) {
      driftSince.clear();
    }
    driftSince.putAll(still);
    return out;
  }

  /**
   * Entry states with counters that never go down ({@link CounterCarry}). An entry still missing
   * after apply is failed, with the kernel's refusal of a command on its device when there was one
   * (else "not in the kernel after apply").
   */
  private List<EntryStatus> statuses(ConvergeStep step, List<String> failures) {
    List<EntryStatus> out = new ArrayList<>();
    for (ConvergeStep.EntryOutcome e : step.entries()) {
      String state = e.state();
      String message = e.message();
      InterfaceName dev = e.key().device();
      if ("pending".equals(state)) {
        state = "failed";
        message =
            refusalOn(dev, failures)
                .or(() -> conditionerRefusal(e.message(), failures))
                .orElse("not in the kernel after apply");
      }
      long[] total = counters.totals(e.key(), e.counts());
      out.add(
          new EntryStatus(
              e.key().session(), dev, e.key().direction(), state, message, total[0], total[1]));
    }
    return out;
  }
}
