package io.pvespan.agent.engine;

import io.pvespan.model.InterfaceName;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.status.DriftItem;
import io.pvespan.status.KernelCapabilities;
import io.pvespan.status.NodeMirrorStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's reconcile loop, level-based like controller-runtime's: every trigger (plan accepted,
 * kernel event, periodic resync) goes into a de-duplicating {@link WorkQueue}; one worker thread
 * takes everything waiting and runs <em>one</em> {@link Converger#converge} of the whole current
 * plan. So a burst of kernel events costs one or two converges, never one each.
 *
 * <p>Without a plan the loop does nothing: converging "nothing" would remove every rule of ours,
 * and an agent that lost (or never had) its plan must not stop mirroring that way.
 *
 * <p>Tests drive it without the thread: {@link #runOnce()} and {@link #resyncIfDue()} with an
 * injected {@link Clock}.
 */
public final class AgentReconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentReconciler.class);

  private final Converger converger;
  private final Clock clock;
  private final Duration resyncInterval;
  private final WorkQueue<Trigger> queue = new WorkQueue<>();
  // runLock serialises converges (worker vs runOnce); the book's own monitor guards status, so
  // GET /v1/status answers at once even while a long converge runs.
  private final Object runLock = new Object();
  private final StatusBook book;
  private final PlugSettling settling;
  private volatile NodeMirrorPlan plan;
  private volatile Set<InterfaceName> lastHeld = Set.of();
  private volatile Instant nextResync;
  private Thread worker;
  private String lastFailure = "";

  public AgentReconciler(String node, Converger converger, Clock clock, Duration resyncInterval) {
    this(node, converger, clock, resyncInterval, PlugSettling.defaults(clock));
  }

  /** {@code settling}: when qdiscs may be created on a guest device Proxmox is plugging. */
  public AgentReconciler(
      String node,
      Converger converger,
      Clock clock,
      Duration resyncInterval,
      PlugSettling settling) {
    if (resyncInterval.isNegative() || resyncInterval.isZero()) {
      throw new IllegalArgumentException("resync interval must be positive: " + resyncInterval);
    }
    this.converger = converger;
    this.settling = settling;
    this.clock = clock;
    this.resyncInterval = resyncInterval;
    this.book = new StatusBook(node, probe(converger), unusable(converger), clock.instant());
    this.nextResync = clock.instant().plus(resyncInterval);
  }

  /** Makes {@code accepted} the plan to converge to and queues a converge. */
  public void accept(NodeMirrorPlan accepted, PlanSource source) {
    synchronized (book) {
      plan = accepted;
      book.planAccepted(accepted, source, clock.instant());
    }
    queue.add(Trigger.PLAN_CHANGED);
  }

  /**
   * Records that a pushed plan was refused because it could not be persisted (a full or read-only
   * state directory): the current plan and the kernel stay; the next stored push clears it.
   */
  public void storeFailed(String message) {
    synchronized (book) {
      book.storeFailed(message, clock.instant());
    }
    LOG.error("{}; the current plan stays applied", message);
  }

  /** Records why the agent has no plan (e.g. a corrupt state file); the kernel is left alone. */
  public void noPlan(String reason, String message) {
    synchronized (book) {
      book.noPlan(reason, message, clock.instant());
    }
  }

  /**
   * Kernel event listener: {@code device} null when unknown. Coalesced with waiting triggers. An
   * event on a guest device marks it settling ({@link PlugSettling}) <em>before</em> the converge
   * is queued, so no converge creates a qdisc in the middle of Proxmox's plug.
   */
  public void kernelChanged(String device) {
    if (GuestDevices.isGuestDevice(device)) {
      settling.touched(InterfaceName.of(device));
    }
    queue.add(Trigger.kernelChanged(device));
  }

  /**
   * Queues a narrow converge for every device whose settling ended since the last converge (the
   * worker does this itself when its wait for the earliest release ends).
   */
  public void settledIfDue() {
    NodeMirrorPlan current = plan;
    if (current == null) {
      return;
    }
    Set<InterfaceName> heldNow = settling.holds(rateLimited(current));
    for (InterfaceName d : lastHeld) {
      if (!heldNow.contains(d)) {
        queue.add(Trigger.kernelChanged(d.value()));
      }
    }
  }

  /** The copy guard changed a factor: queues a (full) converge that re-writes the filters. */
  public void guardChanged() {
    queue.add(Trigger.GUARD_CHANGED);
  }

  private volatile java.util.function.Supplier<Map<String, Integer>> guardSamples = Map::of;

  /** Where the metrics' copy guard factors come from ({@link CopyGuard#samplesBySession}). */
  public void reportCopyGuard(java.util.function.Supplier<Map<String, Integer>> source) {
    this.guardSamples = source;
  }

  /** Queues a full resync when its time has come (the worker does this itself). */
  public void resyncIfDue() {
    if (!clock.instant().isBefore(nextResync)) {
      queue.add(Trigger.RESYNC);
    }
  }

  /** Runs one converge for everything waiting; false when nothing was waiting. */
  public boolean runOnce() {
    List<Trigger> why = queue.drain();
    if (why.isEmpty()) {
      return false;
    }
    reconcile(why);
    return true;
  }

  /** Starts the worker thread (once). */
  public synchronized void start() {
    if (worker != null) {
      throw new IllegalStateException("already started");
    }
    worker = new Thread(this::work, "pvespan-reconciler");
    worker.setDaemon(true);
    worker.start();
  }

  public Optional<NodeMirrorPlan> plan() {
    return Optional.ofNullable(plan);
  }

  public NodeMirrorStatus status() {
    NodeMirrorStatus s;
    synchronized (book) {
      s = book.status();
    }
    java.util.function.Supplier<io.pvespan.status.CanaryStatus> c = canaries;
    return c == null ? s : s.withCanaries(c.get());
  }

  private volatile java.util.function.Supplier<io.pvespan.status.CanaryStatus> canaries;

  /** Where the status's canary part comes from ({@code io.pvespan.agent.canary.Canaries}). */
  public void reportCanaries(java.util.function.Supplier<io.pvespan.status.CanaryStatus> source) {
    this.canaries = source;
  }

  public AgentStats stats() {
    AgentStats s;
    synchronized (book) {
      s = book.stats();
    }
    return s.withGuardSamples(guardSamples.get());
  }

  /** How many triggers wait (for tests and diagnostics). */
  public int pending() {
    return queue.size();
  }

  @Override
  public void close() {
    queue.close();
    Thread t;
    synchronized (this) {
      t = worker;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void work() {
    while (!queue.isClosed()) {
      try {
        Instant wakeAt = nextResync;
        NodeMirrorPlan current = plan;
        Optional<Instant> release =
            current == null || lastHeld.isEmpty()
                ? Optional.empty()
                : settling.nextRelease(rateLimited(current));
        boolean forRelease = release.isPresent() && release.get().isBefore(wakeAt);
        if (forRelease) {
          wakeAt = release.get().plusMillis(1);
        }
        List<Trigger> why = queue.awaitAndDrain(Duration.between(clock.instant(), wakeAt));
        if (queue.isClosed()) {
          return;
        }
        if (why.isEmpty() && forRelease) {
          settledIfDue();
          why = queue.drain();
        }
        reconcile(why.isEmpty() ? List.of(Trigger.RESYNC) : why);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The loop must outlive any bug in one run; the next trigger or resync retries.
        LOG.error("reconcile failed: {}", e.toString(), e);
      }
    }
  }

  private void reconcile(List<Trigger> why) {
    synchronized (runLock) {
      NodeMirrorPlan current = plan;
      nextResync = clock.instant().plus(resyncInterval);
      if (current == null) {
        LOG.debug("no plan: leaving the kernel as it is ({})", why);
        return;
      }
      long started = System.nanoTime();
      Set<InterfaceName> rateLimited = rateLimited(current);
      lastHeld = settling.holds(rateLimited);
      Holds held = () -> settling.holds(rateLimited);
      List<DriftItem> fixedFirst = convergeDevicesFirst(current, why, held);
      ConvergeReport report = withDrift(safeConverge(current, held), fixedFirst);
      if (report.guestDevices() != null) {
        settling.seen(report.guestDevices());
      }
      double seconds =
          report.took() != null
              ? report.took().toNanos() / 1e9
              : (System.nanoTime() - started) / 1e9;
      synchronized (book) {
        book.converged(current, report, seconds, clock.instant());
      }
      logOutcome(current, report, why);
    }
  }

  /**
   * When every trigger names a device (a tap appearing on VM start or migration, Proxmox wiping a
   * tap's qdiscs), that device is converged on its own first: a narrow read and write of a few
   * processes, so the mirror is active within milliseconds whatever the node's size. The full
   * converge that follows (normally 0 writes) keeps the status whole. Returns the drift the narrow
   * pass found and fixed, so the status still reports it.
   */
  private List<DriftItem> convergeDevicesFirst(
      NodeMirrorPlan current, List<Trigger> why, Holds held) {
    List<String> devices = new ArrayList<>();
    for (Trigger t : why) {
      if (!(t instanceof Trigger.KernelChanged k) || k.device().equals("*")) {
        return List.of();
      }
      devices.add(k.device());
    }
    List<DriftItem> found = new ArrayList<>();
    for (String device : devices) {
      try {
        found.addAll(converger.convergeDevice(current, device, held).driftFound());
      } catch (RuntimeException e) {
        // The full converge right after retries it and reports any failure.
        LOG.debug("narrow converge of {} threw {}", device, e.toString());
      }
    }
    return found;
  }

  private static ConvergeReport withDrift(ConvergeReport report, List<DriftItem> fixedFirst) {
    if (fixedFirst.isEmpty()) {
      return report;
    }
    // The same item seen by both passes (not fixable, say) is reported once.
    Map<String, DriftItem> byObject = new LinkedHashMap<>();
    for (DriftItem d : fixedFirst) {
      byObject.putIfAbsent(d.kind().json() + " " + d.object(), d);
    }
    for (DriftItem d : report.driftFound()) {
      byObject.putIfAbsent(d.kind().json() + " " + d.object(), d);
    }
    List<DriftItem> drift = new ArrayList<>(byObject.values());
    return new ConvergeReport(
        drift,
        report.writes(),
        report.entries(),
        report.failures(),
        report.processesSpawned(),
        report.took(),
        report.guestDevices());
  }

  /** The plan's devices whose NIC has Proxmox's {@code rate=}: Proxmox adds their qdiscs. */
  private static Set<InterfaceName> rateLimited(NodeMirrorPlan current) {
    Set<InterfaceName> out = new HashSet<>();
    for (MirrorEntry m : current.mirrors()) {
      if (Boolean.TRUE.equals(m.rateLimited())) {
        out.add(m.device());
      }
    }
    return out;
  }

  private ConvergeReport safeConverge(NodeMirrorPlan current, Holds held) {
    try {
      return converger.converge(current, held);
    } catch (RuntimeException e) {
      // The contract says converge never throws; if it does, report it like a kernel failure.
      return new ConvergeReport(
          List.of(), 0, List.of(), List.of("converge threw " + e), 0, Duration.ZERO);
    }
  }

  private String lastReady = "";

  /** One log line whenever Ready changes, with the reason: an operator sees why in the journal. */
  private void logReadiness() {
    NodeMirrorStatus s = status();
    for (io.pvespan.status.Condition c : s.conditions()) {
      if ("Ready".equals(c.type())) {
        String now = c.status() + " " + c.reason();
        if (!now.equals(lastReady)) {
          if ("True".equals(c.status())) {
            LOG.info("Ready: {}", c.message());
          } else {
            LOG.warn("not Ready ({}): {}", c.reason(), c.message());
          }
          lastReady = now;
        }
      }
    }
  }

  private void logOutcome(NodeMirrorPlan current, ConvergeReport report, List<Trigger> why) {
    logReadiness();
    String failure = report.failures().isEmpty() ? "" : report.failures().get(0);
    if (!failure.equals(lastFailure)) {
      if (failure.isEmpty()) {
        LOG.info("generation {} converged again", current.generation());
      } else {
        LOG.warn(
            "generation {}: {} kernel failure(s), first: {}",
            current.generation(),
            report.failures().size(),
            failure);
      }
      lastFailure = failure;
    }
    if (report.writes() > 0 || !report.driftFound().isEmpty()) {
      LOG.info(
          "generation {}: {} drift item(s), {} write(s) ({})",
          current.generation(),
          report.driftFound().size(),
          report.writes(),
          why);
    }
  }

  private static String unusable(Converger converger) {
    try {
      String why = converger.unusable().orElse(null);
      if (why != null) {
        LOG.error("nothing can be mirrored on this node: {}", why);
      }
      return why;
    } catch (RuntimeException e) {
      return "the kernel probe failed: " + e;
    }
  }

  private static KernelCapabilities probe(Converger converger) {
    try {
      return converger.capabilities();
    } catch (RuntimeException e) {
      LOG.warn("kernel capability probe failed: {}", e.toString());
      return new KernelCapabilities(
          false, false, false, false, false, false, false, false, false, false);
    }
  }
}
