package io.pvespan.controller;

import io.pvespan.controller.agents.AgentTls;
import io.pvespan.controller.agents.HttpAgentClient;
import io.pvespan.controller.api.ApiServer;
import io.pvespan.controller.capture.Captures;
import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.daemon.QuartzSchedule;
import io.pvespan.controller.daemon.QuartzSchedule.Every;
import io.pvespan.controller.ha.Campaign;
import io.pvespan.controller.ha.HighAvailability;
import io.pvespan.controller.ha.Lease;
import io.pvespan.controller.planning.IncrementalPlanning;
import io.pvespan.controller.pve.InventorySource;
import io.pvespan.controller.reconcile.AgentAddressing;
import io.pvespan.controller.reconcile.GenerationLedger;
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
 * HTTP API, and with {@code ha:} its place in the cluster of controllers ({@link
 * HighAvailability}). {@link #close()} stops them all.
 */
public final class ControllerDaemon implements AutoCloseable {
  /** Bound on one agent request; a hanging agent releases its task after this. */
  static final Duration AGENT_CALL_TIMEOUT = Duration.ofSeconds(5);

  private final Controller controller;
  private final ExecutorService agentIo;
  private final ExecutorService reconcile;
  private final ExecutorService specChecks;
  private final Schedule schedule;
  private final ApiServer api;
  private final InventorySource inventory;
  private final HighAvailability ha;

  private ControllerDaemon(
      InventorySource inventory,
      Controller controller,
      ExecutorService agentIo,
      ExecutorService reconcile,
      ExecutorService specChecks,
      Schedule schedule,
      ApiServer api,
      HighAvailability ha) {
    this.inventory = inventory;
    this.controller = controller;
    this.agentIo = agentIo;
    this.reconcile = reconcile;
    this.specChecks = specChecks;
    this.schedule = schedule;
    this.api = api;
    this.ha = ha;
  }

  /**
   * The controller's Quartz clockwork. Spec checks run from the start, also on a standby (local and
   * cheap: without an inventory nothing is planned, and the specs are loaded before it leads); the
   * jobs that poll, read agents and push are added when the controller starts leading (at once
   * without {@code ha:}) and fire at once, so a new leader polls, reads the agents and plans
   * without waiting. Closed for good when leadership is lost or the daemon stops.
   */
  private static final class Schedule {
    private final QuartzSchedule quartz;
    private final List<Every> leaderJobs;
    private boolean leading;
    private boolean closed;

    Schedule(List<Every> always, List<Every> leaderJobs) throws SchedulerException {
      this.quartz = new QuartzSchedule(always);
      this.leaderJobs = leaderJobs;
      quartz.start();
    }

    synchronized void lead() {
      if (leading || closed) {
        return;
      }
      try {
        quartz.add(leaderJobs);
        leading = true;
      } catch (SchedulerException e) {
        throw new IllegalStateException("the scheduler cannot start: " + e.getMessage(), e);
      }
    }

    synchronized void close() {
      closed = true;
      try {
        quartz.close();
      } catch (SchedulerException e) {
        // shutting down anyway
      }
    }
  }

  /** Builds and starts everything; without {@code ha:} leadership is never lost. */
  public static ControllerDaemon start(ControllerConfig config, InventorySourceFactory inventories)
      throws IOException {
    return start(config, inventories, () -> {});
  }

  /**
   * Builds and starts everything. Without {@code ha:} this controller plans and pushes at once.
   * With it, it joins the controllers sharing the database and serves its API meanwhile, but plans
   * and pushes only while it leads (its polls, status reads and pushes start when it is elected).
   *
   * @param inventories builds the inventory source (the Proxmox client) from {@code config.pve()}
   * @param leadershipLost called once when another controller took the lease over (this one was
   *     taken for dead): it must not push again; the command exits so that it restarts clean
   * @throws IllegalArgumentException with a one-line reason for a config that cannot be used
   * @throws IllegalStateException with a one-line reason when the {@code ha:} database cannot be
   *     used
   * @throws IOException when the listen address cannot be bound
   */
  public static ControllerDaemon start(
      ControllerConfig config, InventorySourceFactory inventories, Runnable leadershipLost)
      throws IOException {
    var agentsConf = config.agents();
    var client =
        new HttpAgentClient(
            agentsConf.token() == null ? null : agentsConf.token().value(),
            agentTls(agentsConf),
            AGENT_CALL_TIMEOUT);
    HighAvailability ha = config.ha() == null ? null : HighAvailability.open(config.ha());
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
            PushBackoff.DEFAULT,
            ha == null ? GenerationLedger.LOCAL : ha.ledger());
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
              new InetSocketAddress(listen.host(), listen.port()),
              controller::snapshot,
              ha == null ? () -> true : ha::leading,
              captures);
    } catch (IOException e) {
      captures.close();
      reconcile.shutdownNow();
      specChecks.shutdownNow();
      agentIo.shutdownNow();
      closeQuietly(inventory);
      if (ha != null) {
        ha.close();
      }
      throw e;
    }
    Schedule schedule = null;
    try {
      schedule = new Schedule(specJobs(controller), leaderJobs(controller, config));
      if (ha == null) {
        schedule.lead();
      } else {
        Schedule clock = schedule;
        ha.join(
            new Campaign.Listener() {
              @Override
              public void elected(Lease lease) {
                clock.lead();
              }

              @Override
              public void lost(Lease lease, String why) {
                clock.close();
                leadershipLost.run();
              }
            });
      }
      return new ControllerDaemon(
          inventory, controller, agentIo, reconcile, specChecks, schedule, api, ha);
    } catch (SchedulerException e) {
      if (schedule != null) {
        schedule.close();
      }
      api.close();
      if (ha != null) {
        ha.close();
      }
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

  /** What a standby runs too: local, cheap, and never planning without an inventory. */
  private static List<Every> specJobs(Controller c) {
    return List.of(new Every("spec-check", Duration.ofSeconds(1), c::checkSpecs));
  }

  private static List<Every> leaderJobs(Controller c, ControllerConfig config) {
    return List.of(
        new Every("inventory-poll", config.pollInterval(), c::pollInventory),
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

  /** Whether this controller plans and pushes now (always without {@code ha:}). */
  public boolean leading() {
    return ha == null || ha.leading();
  }

  /** Stops pushing, hands the lease over (with {@code ha:}), then stops everything else. */
  @Override
  public void close() {
    schedule.close();
    if (ha != null) {
      ha.close();
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
