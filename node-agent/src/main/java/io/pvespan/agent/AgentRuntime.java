package io.pvespan.agent;

import io.pvespan.agent.api.ApiServer;
import io.pvespan.agent.api.ApiTransport;
import io.pvespan.agent.api.PemTls;
import io.pvespan.agent.api.PlanIntake;
import io.pvespan.agent.canary.Canaries;
import io.pvespan.agent.canary.CanaryFrame;
import io.pvespan.agent.capture.Captures;
import io.pvespan.agent.engine.AgentReconciler;
import io.pvespan.agent.engine.Converger;
import io.pvespan.agent.engine.CopyGuard;
import io.pvespan.agent.engine.KernelConverger;
import io.pvespan.agent.engine.KernelEvents;
import io.pvespan.agent.engine.PlanSource;
import io.pvespan.agent.engine.PlanValidator;
import io.pvespan.agent.engine.Underlay;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.Tcpdump;
import io.pvespan.agent.state.PlanStore;
import io.pvespan.agent.state.StoredPlan;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: state dir, reconcile loop, kernel events and API, started in an order that fails
 * before touching the kernel (token, TLS, state dir and port first), then loads the stored plan
 * (adopting what the kernel already holds: no flush), and starts converging.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

  private final ApiServer server;
  private final AgentReconciler reconciler;
  private final KernelEvents events;
  private final Captures captures;
  private final Canaries canaries;
  private final CopyGuard guard;

  private AgentRuntime(
      ApiServer server,
      AgentReconciler reconciler,
      KernelEvents events,
      Captures captures,
      Canaries canaries,
      CopyGuard guard) {
    this.guard = guard;
    this.captures = captures;
    this.canaries = canaries;
    this.server = server;
    this.reconciler = reconciler;
    this.events = events;
  }

  /** Starts everything; an {@link IOException} with one line when the agent cannot run. */
  public static AgentRuntime start(AgentOptions options, KernelPorts kernel, Clock clock)
      throws IOException {
    Optional<String> token =
        options.tokenFile().isPresent()
            ? Optional.of(TokenFile.read(options.tokenFile().get()))
            : Optional.empty();
    ApiTransport transport = transport(options);
    try {
      Files.createDirectories(options.stateDir());
    } catch (IOException e) {
      throw new IOException("state dir " + options.stateDir() + " cannot be created: " + e);
    }
    if (!Files.isWritable(options.stateDir())) {
      throw new IOException("state dir " + options.stateDir() + " is not writable");
    }
    PlanStore store = new PlanStore(options.stateDir());
    Converger converger;
    try {
      converger = kernel.converger(options);
    } catch (RuntimeException e) {
      throw new IOException("kernel layer: " + e.getMessage());
    }
    AgentReconciler reconciler =
        new AgentReconciler(options.node(), converger, clock, options.resync());
    Captures captures = new Captures(new Tcpdump(options.netns().map(NetnsName::new).orElse(null)));
    ApiServer server;
    try {
      server =
          ApiServer.start(
              options.listen(),
              transport,
              token,
              new PlanIntake(options.node(), options.underlay(), store, reconciler),
              reconciler,
              captures);
    } catch (BindException e) {
      captures.close();
      reconciler.close();
      throw new IOException(
          "cannot listen on " + describe(options.listen()) + ": " + e.getMessage());
    }
    loadStoredPlan(options.node(), options.underlay(), store, reconciler);
    CopyGuard guard = copyGuard(converger, reconciler, clock);
    reconciler.start();
    KernelEvents events;
    try {
      events = kernel.events(options);
      events.start(reconciler::kernelChanged);
    } catch (RuntimeException e) {
      server.close();
      captures.close();
      if (guard != null) {
        guard.close();
      }
      reconciler.close();
      throw new IOException("kernel events: " + e.getMessage());
    }
    LOG.info(
        "agent for node {} listening on {}://{}{}",
        options.node(),
        transport instanceof ApiTransport.PlainHttp ? "http" : "https",
        describe(server.address()),
        transport instanceof ApiTransport.MutualTls
            ? " (mutual TLS: plans only from the controller's certificate"
                + (token.isPresent() ? ", with the token)" : ")")
            : "");
    if (transport instanceof ApiTransport.PlainHttp) {
      LOG.warn("--insecure-lab-http: serving plain HTTP; plans and the token travel in clear text");
    }
    Canaries canaries = null;
    if (!options.canaryInterval().isZero()) {
      canaries =
          new Canaries(
              options.node(),
              options.netns().map(NetnsName::new),
              CanaryFrame.CanaryKey.of(token),
              options.canaryInterval(),
              reconciler::plan,
              reconciler::status,
              new Tcpdump(options.netns().map(NetnsName::new).orElse(null)),
              clock);
      reconciler.reportCanaries(canaries::report);
      canaries.start();
      if (token.isEmpty()) {
        LOG.warn(
            "canaries are not signed with a secret (no --token-file): a guest that can reach a"
                + " sensor's path could forge one; see docs/canaries.md");
      }
    }
    return new AgentRuntime(server, reconciler, events, captures, canaries, guard);
  }

  /**
   * The copy guard (budgeted sessions clone a sample when their copies exceed the budget), where
   * the converger is the kernel's and the kernel has the bpf classifier; null otherwise.
   */
  private static CopyGuard copyGuard(Converger converger, AgentReconciler reconciler, Clock clock) {
    if (!(converger instanceof KernelConverger k) || !k.features().bpf()) {
      return null;
    }
    CopyGuard guard =
        new CopyGuard(
            reconciler::plan,
            k::filterCounters,
            reconciler::guardChanged,
            clock,
            CopyGuard.INTERVAL);
    k.guardWith(guard::factor);
    reconciler.reportCopyGuard(guard::samplesBySession);
    guard.start();
    return guard;
  }

  /** The transport the options ask for; mutual TLS checks this node's own certificate. */
  private static ApiTransport transport(AgentOptions options) throws IOException {
    if (!options.tls()) {
      return new ApiTransport.PlainHttp();
    }
    Path cert = options.tlsCert().orElseThrow();
    Path key = options.tlsKey().orElseThrow();
    return options.mutualTls()
        ? PemTls.mutual(cert, key, options.tlsCa().orElseThrow(), options.node())
        : new ApiTransport.Https(PemTls.serverContext(cert, key));
  }

  private static void loadStoredPlan(
      String node, Underlay underlay, PlanStore store, AgentReconciler reconciler) {
    StoredPlan stored = store.load();
    if (stored instanceof StoredPlan.Loaded loaded) {
      List<String> problems = PlanValidator.problems(loaded.plan(), node, underlay);
      if (problems.isEmpty()) {
        LOG.info(
            "loaded stored plan generation {}; adopting what the kernel holds",
            loaded.plan().generation());
        reconciler.accept(loaded.plan(), PlanSource.STORED);
        return;
      }
      stored = new StoredPlan.Corrupt(store.file() + ": " + String.join("; ", problems));
    }
    if (stored instanceof StoredPlan.Corrupt corrupt) {
      // Without a trustworthy plan we converge nothing: the kernel keeps the mirrors it has.
      LOG.error(
          "stored plan unusable, starting without a plan and leaving the kernel as it is: {}",
          corrupt.reason());
      reconciler.noPlan("StoredPlanUnusable", corrupt.reason());
    } else {
      LOG.info("no stored plan; waiting for the controller");
    }
  }

  public InetSocketAddress address() {
    return server.address();
  }

  public AgentReconciler reconciler() {
    return reconciler;
  }

  @Override
  public void close() {
    server.close();
    if (canaries != null) {
      canaries.close();
    }
    captures.close();
    events.close();
    if (guard != null) {
      guard.close();
    }
    reconciler.close();
  }

  private static String describe(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
