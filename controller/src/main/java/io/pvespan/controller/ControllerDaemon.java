package io.pvespan.controller;

import io.pvespan.controller.agents.AgentTls;
import io.pvespan.controller.agents.HttpAgentClient;
import io.pvespan.controller.api.ApiServer;
import io.pvespan.controller.capture.Captures;
import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.daemon.QuartzSchedule;
import io.pvespan.controller.daemon.QuartzSchedule.Every;
import io.pvespan.controller.planning.IncrementalPlanning;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.reconcile.AgentAddressing;
import io.pvespan.controller.reconcile.PushBackoff;
import io.pvespan.controller.specs.DirectorySpecSource;
import io.pvespan.controller.specs.GitSpecSource;
import io.pvespan.controller.specs.SpecRefresh;
import io.pvespan.controller.specs.SpecSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.SchedulerException;

/**
 * The running controller: the {@link Controller} built from a config, its Quartz schedule and its
 * HTTP API. {@link #close()} stops all three.
 */
public final class ControllerDaemon implements AutoCloseable {
  /** Bound on one agent request; a hanging agent releases its task after this. */
  static final Duration AGENT_CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Controller controller;
  private final ExecutorService agentIo;
  private final ExecutorService reconcile;
  private final ExecutorService specChecks;
  private final QuartzSchedule schedule;
  private final ApiServer api;
  private final InventorySource inventory;

  private ControllerDaemon(
      InventorySource inventory,
      Controller controller,
      ExecutorService agentIo,
      ExecutorService reconcile,
      ExecutorService specChecks,
      QuartzSchedule schedule,
      ApiServer api) {
    this.inventory = inventory;
    this.controller = controller;
    this.agentIo = agentIo;
    this.reconcile = reconcile;
    this.specChecks = specChecks;
    this.schedule = schedule;
    this.api = api;
  }

  /**
   * Builds and starts everything.
   *
   * @param inventories builds the inventory source (the Proxmox client) from {@code config.pve()}
   * @throws IllegalArgumentException with a one-line reason for a config that cannot be used
   * @throws IOException when the listen address cannot be bound
   */
  public static ControllerDaemon start(ControllerConfig config, InventorySourceFactory inventories)
      throws IOException {
    var agentsConf = config.agents();
    var client =
        new HttpAgentClient(
            agentsConf.token() == null ? null : agentsConf.token().value(),
            agentTls(agentsConf),
            AGENT_CALL_TIMEOUT);
    InventorySource inventory = inventories.create(config.pve());
    var ports =
        new Controller.Ports(
            specSource(config),
            inventory,
            new IncrementalPlanning(),
            client,
            new AgentAddressing(agentsConf.scheme(), agentsConf.port(), agentsConf.urls()),
            config.nodes(),
            Clock.systemUTC(),
            PushBackoff.DEFAULT);
    // One thread per node being reconciled (its status read and pushes run in turn on it) and
    // the inventory reads agents ask for: never a queue behind a hung agent.
    ExecutorService agentIo = Executors.newCachedThreadPool(daemon("pvespan-agent-io"));
    ExecutorService reconcile = Executors.newSingleThreadExecutor(daemon("pvespan-reconcile"));
    // Specs are read and validated on a thread of their own: a huge or broken spec never holds
    // up the reconcile that follows a migration.
    ExecutorService specChecks = Executors.newSingleThreadExecutor(daemon("pvespan-specs"));
    Controller controller =
        new Controller(ports, agentIo, reconcile, specChecks, SpecRefresh.DEFAULT_BUDGET);
    var listen = config.listen();
    AgentAddressing addressing =
        new AgentAddressing(agentsConf.scheme(), agentsConf.port(), agentsConf.urls());
    Captures captures =
        new Captures(
            controller::snapshot,
            client.captures(),
            (s, node) ->
                addressing.urlFor(node, s.inventory() == null ? null : s.inventory().node(node)));
    ApiServer api;
    try {
      api =
          ApiServer.start(
              new InetSocketAddress(listen.host(), listen.port()), controller::snapshot, captures);
    } catch (IOException e) {
      captures.close();
      reconcile.shutdownNow();
      specChecks.shutdownNow();
      agentIo.shutdownNow();
      closeQuietly(inventory);
      throw e;
    }
    try {
      QuartzSchedule schedule = new QuartzSchedule(jobs(controller, config));
      schedule.start();
      return new ControllerDaemon(
          inventory, controller, agentIo, reconcile, specChecks, schedule, api);
    } catch (SchedulerException e) {
      api.close();
      throw new IllegalStateException("the scheduler cannot start: " + e.getMessage(), e);
    }
  }

  /** The Git branch of {@code specs.git} (cloned into {@code specs.path}), else the directory. */
  private static SpecSource specSource(ControllerConfig config) {
    var specs = config.specs();
    return specs.git() != null
        ? new GitSpecSource(specs.git(), specs.path(), Clock.systemUTC())
        : new DirectorySpecSource(specs.path());
  }

  private static AgentTls agentTls(ControllerConfig.Agents conf) {
    var m = conf.tls();
    return m != null
        ? AgentTls.mutual(m.ca(), m.cert(), m.key())
        : new AgentTls(conf.caFile(), conf.fingerprint(), conf.insecure());
  }

  private static List<Every> jobs(Controller c, ControllerConfig config) {
    return List.of(
        new Every("inventory-poll", config.pollInterval(), c::pollInventory),
        new Every("spec-check", Duration.ofSeconds(1), c::checkSpecs),
        new Every("agent-status", config.statusInterval(), c::collectStatus),
        // Cheap (in memory): nodes whose requeue time (a push backoff) has come run within a
        // second.
        new Every("push-retry", Duration.ofSeconds(1), c::retryPushes),
        // Level-based safety net: a full reconcile now and then even if no trigger fired.
        new Every("reconcile", Duration.ofMinutes(1), c::requestReconcile));
  }

  public Controller controller() {
    return controller;
  }

  public int apiPort() {
    return api.port();
  }

  @Override
  public void close() {
    try {
      schedule.close();
    } catch (SchedulerException e) {
      // shutting down anyway
    }
    api.close();
    reconcile.shutdownNow();
    specChecks.shutdownNow();
    agentIo.shutdownNow();
    closeQuietly(inventory);
  }

  /** The Proxmox client owns a connection pool and threads; a file source owns nothing. */
  private static void closeQuietly(InventorySource source) {
    if (source instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // shutting down anyway
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
