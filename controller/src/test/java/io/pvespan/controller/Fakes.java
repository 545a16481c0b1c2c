package io.pvespan.controller;

import io.pvespan.controller.planning.Planner;
import io.pvespan.controller.pve.InventorySnapshot;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.pve.Migration;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.specs.SpecSource;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Direction;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.MirrorSessionSpec;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorSpec;
import io.pvespan.spec.SensorVm;
import io.pvespan.spec.SourceSelector;
import io.pvespan.spec.SpecSet;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Fakes for the controller's ports, and small builders of test data. */
final class Fakes {
  private Fakes() {}

  /**
   * A tiny stand-in planner: on each node, one mirror per NIC of every running guest whose vmid a
   * session selects, to the sensor's device (local; good enough for the controller's tests).
   * Generations as the real planner's contract says: unchanged content keeps its generation.
   */
  static final class FakePlanner implements Planner {
    final AtomicInteger calls = new AtomicInteger();
    volatile List<String> errors = List.of();

    @Override
    public PlanResult plan(SpecSet specs, Inventory inv, Map<String, NodeMirrorPlan> previous) {
      calls.incrementAndGet();
      if (!errors.isEmpty()) {
        return new PlanResult(List.of(), List.of(), errors);
      }
      List<NodeMirrorPlan> plans = new ArrayList<>();
      for (InventoryNode n : inv.nodes()) {
        List<MirrorEntry> mirrors = new ArrayList<>();
        for (MirrorSession s : specs.sessions()) {
          List<VmId> selected = s.spec().sources().vmids();
          for (Guest g : inv.guests()) {
            if (g.node().equals(n.name()) && g.running() && selected.contains(g.vmid())) {
              for (GuestNic nic : g.nics()) {
                mirrors.add(
                    new MirrorEntry(
                        s.name(),
                        g.vmid(),
                        nic.id(),
                        g.device(nic.id()),
                        s.spec().direction(),
                        EntryState.ACTIVE,
                        new LocalTarget(InterfaceName.of("tap999i0")),
                        null));
              }
            }
          }
        }
        NodeMirrorPlan p = NodeMirrorPlan.of(n.name(), 1, mirrors, List.of(), List.of());
        NodeMirrorPlan prev = previous.get(n.name());
        if (prev != null) {
          p =
              p.withGeneration(
                  prev.digest().equals(p.digest()) ? prev.generation() : prev.generation() + 1);
        }
        plans.add(p);
      }
      return new PlanResult(plans, List.of(), List.of());
    }
  }

  static final class FakeSpecSource implements SpecSource {
    volatile LoadResult result;
    volatile String fingerprint;
    final AtomicInteger loads = new AtomicInteger();

    FakeSpecSource(SpecSet specs) {
      set(specs);
    }

    void set(SpecSet specs) {
      result = new LoadResult(specs, List.of());
      fingerprint = "good-" + specs.hashCode();
    }

    void broken(String... problems) {
      result =
          new LoadResult(
              null,
              java.util.Arrays.stream(problems)
                  .map(p -> new SpecProblem("specs/bad.yaml", 3, 5, p))
                  .toList());
      fingerprint = "broken-" + List.of(problems).hashCode();
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public LoadResult load() {
      loads.incrementAndGet();
      return result;
    }
  }

  static final class FakeInventorySource implements InventorySource {
    volatile Inventory inventory;
    volatile List<Migration> migrations = List.of();
    volatile String failure;

    /** The last interest the controller set, and the one in force at the first poll. */
    volatile Predicate<Guest> interest;

    volatile Predicate<Guest> interestAtFirstPoll;
    final AtomicInteger polls = new AtomicInteger();

    FakeInventorySource(Inventory inventory) {
      this.inventory = inventory;
    }

    @Override
    public void interest(Predicate<Guest> guestsOfInterest) {
      interest = guestsOfInterest;
    }

    /** Guests whose config was read alone ({@link #refreshGuest}), in order. */
    final List<VmId> configReads = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * As the Proxmox API would answer: the guest's NICs from the current {@link #inventory}, the
     * rest as the controller knows it.
     */
    @Override
    public java.util.Optional<Guest> refreshGuest(Guest known) throws PveException {
      configReads.add(known.vmid());
      if (failure != null) {
        throw new PveException(failure);
      }
      Guest now =
          inventory.guests().stream()
              .filter(g -> g.vmid().equals(known.vmid()))
              .findFirst()
              .orElseThrow(() -> new PveException("guest " + known.vmid() + " does not exist"));
      return java.util.Optional.of(withNics(known, now.nics()));
    }

    @Override
    public InventorySnapshot poll() throws PveException {
      if (polls.getAndIncrement() == 0) {
        interestAtFirstPoll = interest;
      }
      if (failure != null) {
        throw new PveException(failure);
      }
      return new InventorySnapshot(inventory, migrations, 1);
    }
  }

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-11-23T06:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** Runs tasks on a pool and can wait until every task (and what it started) has finished. */
  static final class TrackingExecutor implements Executor, AutoCloseable {
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicInteger running = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      running.incrementAndGet();
      pool.execute(
          () -> {
            try {
              task.run();
            } finally {
              running.decrementAndGet();
            }
          });
    }

    /** Waits (up to 10 s, a deadline for real I/O, not a timing assertion) until idle. */
    void awaitIdle() throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (running.get() > 0) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("agent tasks still running after 10 s");
        }
        Thread.sleep(5);
      }
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }

  static Guest guest(int vmid, String node, String status) {
    return new Guest(
        new VmId(vmid),
        GuestType.QEMU,
        node,
        status,
        "vm" + vmid,
        List.of(),
        null,
        false,
        null,
        List.of(new GuestNic(new NicId(0), "vmbr0", null, false, null, null, null)));
  }

  static Guest withNics(Guest g, List<GuestNic> nics) {
    return new Guest(
        g.vmid(),
        g.type(),
        g.node(),
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        g.lock(),
        nics);
  }

  /** A NIC on vmbr0 with nothing else set. */
  static GuestNic nic(int index) {
    return new GuestNic(new NicId(index), "vmbr0", null, false, null, null, null);
  }

  static Inventory inventory(List<String> nodes, Guest... guests) {
    return new Inventory(
        nodes.stream().map(n -> new InventoryNode(n, "198.18.0.1", true, null)).toList(),
        List.of(guests));
  }

  static SpecSet specs(String session, int... vmids) {
    Sensor ids = Sensor.of("ids", new SensorSpec(new SensorVm(new VmId(999), new NicId(0)), null));
    List<VmId> ids2 = java.util.Arrays.stream(vmids).mapToObj(VmId::new).toList();
    MirrorSession s =
        MirrorSession.of(
            session,
            new MirrorSessionSpec(
                new SourceSelector(ids2, null, null, null, null, null, null),
                Direction.BOTH,
                "ids",
                null,
                null,
                null));
    return new SpecSet(List.of(ids), List.of(s));
  }
}
