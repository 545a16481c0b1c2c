package io.pvespan.controller;

import io.pvespan.controller.agents.AgentClient;
import io.pvespan.controller.agents.AgentTls;
import io.pvespan.controller.agents.HttpAgentClient;
import io.pvespan.controller.config.NodeOverrides;
import io.pvespan.controller.reconcile.AgentAddressing;
import io.pvespan.controller.reconcile.GenerationLedger;
import io.pvespan.controller.reconcile.PushBackoff;
import io.pvespan.controller.specs.SpecRefresh;
import io.pvespan.controller.specs.SpecSource;
import io.pvespan.inventory.Guest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A controller wired to fakes (planner, specs, inventory, clock) and to real stand-in agents on
 * 127.0.0.1, with reconciles run on the caller's thread so a test sees their effects at once.
 */
final class Harness implements AutoCloseable {
  static final List<String> NODES = List.of("pve1", "pve2", "pve3");

  final Map<String, FakeAgent> agents = new LinkedHashMap<>();
  final Fakes.FakePlanner planner = new Fakes.FakePlanner();
  final Fakes.FakeSpecSource specs;
  final Fakes.FakeInventorySource inventory;
  final Fakes.MutableClock clock = new Fakes.MutableClock();
  final Fakes.TrackingExecutor io = new Fakes.TrackingExecutor();
  final Controller controller;

  Harness(Guest... guests) throws IOException {
    this(client -> client, guests);
  }

  /** {@code wrap} may put a misbehaving client in front of the real one. */
  Harness(UnaryOperator<AgentClient> wrap, Guest... guests) throws IOException {
    this(wrap, null, Runnable::run, SpecRefresh.DEFAULT_BUDGET, GenerationLedger.LOCAL, guests);
  }

  /** Generations issued by {@code ledger} (a database's, with {@code ha:}). */
  Harness(GenerationLedger ledger, Guest... guests) throws IOException {
    this(client -> client, null, Runnable::run, SpecRefresh.DEFAULT_BUDGET, ledger, guests);
  }

  /**
   * With a real spec source ({@code specs} stays null) checked on {@code specExecutor}, within
   * {@code specBudget} of the fake clock.
   */
  Harness(SpecSource specSource, Executor specExecutor, Duration specBudget, Guest... guests)
      throws IOException {
    this(client -> client, specSource, specExecutor, specBudget, GenerationLedger.LOCAL, guests);
  }

  private Harness(
      UnaryOperator<AgentClient> wrap,
      SpecSource specSource,
      Executor specExecutor,
      Duration specBudget,
      GenerationLedger ledger,
      Guest... guests)
      throws IOException {
    Map<String, URI> urls = new LinkedHashMap<>();
    for (String n : NODES) {
      FakeAgent a = new FakeAgent(n);
      agents.put(n, a);
      urls.put(n, a.url());
    }
    specs = specSource == null ? new Fakes.FakeSpecSource(Fakes.specs("web", 101, 102, 103)) : null;
    inventory = new Fakes.FakeInventorySource(Fakes.inventory(NODES, guests));
    AgentClient client =
        wrap.apply(
            new HttpAgentClient(
                FakeAgent.TOKEN, new AgentTls(null, null, false), Duration.ofSeconds(30)));
    controller =
        new Controller(
            new Controller.Ports(
                specSource == null ? specs : specSource,
                inventory,
                planner,
                client,
                new AgentAddressing("http", 8787, urls),
                NodeOverrides.NONE,
                clock,
                PushBackoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60)),
                ledger),
            io,
            Runnable::run,
            specExecutor,
            specBudget);
  }

  FakeAgent agent(String node) {
    return agents.get(node);
  }

  /** Polls (which reconciles on a change) and waits until the pushes it started have ended. */
  void pollAndSettle() throws InterruptedException {
    controller.pollInventory();
    io.awaitIdle();
  }

  AgentSnapshot snapshot(String node) {
    return controller.snapshot().agents().stream()
        .filter(a -> a.node().equals(node))
        .findFirst()
        .orElseThrow();
  }

  @Override
  public void close() {
    agents.values().forEach(FakeAgent::close);
    io.close();
  }
}
