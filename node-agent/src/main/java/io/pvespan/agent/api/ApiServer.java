package io.pvespan.agent.api;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.pvespan.agent.capture.Captures;
import io.pvespan.agent.engine.AgentReconciler;
import io.pvespan.server.PeerLimit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The agent's HTTP(S) server on the JDK's {@code com.sun.net.httpserver}: no framework. It cannot
 * be held by idle or half-open connections: the JDK reads a request on a handler thread, so a
 * client that connects and sends nothing used to occupy one of two threads forever (two such
 * sockets froze {@code /healthz} and plan pushes). Now a request must be read within {@link
 * #REQUEST_DEADLINE_SECONDS} and answered within {@link #RESPONSE_DEADLINE_SECONDS} (the JDK closes
 * the connection otherwise), up to {@link #MAX_HANDLERS} handler threads exist on demand, and one
 * peer address may have at most {@link #MAX_PER_PEER} requests in progress (more are closed at
 * once: {@link PeerLimit}).
 */
public final class ApiServer implements AutoCloseable {
  /** Bodies above this are refused with 413 (a plan for 1,000 devices is well under 1 MiB). */
  public static final long BODY_LIMIT = 8L * 1024 * 1024;

  public static final int REQUEST_DEADLINE_SECONDS = 5;
  public static final int RESPONSE_DEADLINE_SECONDS = 30;

  /** Threads are made on demand and end after 30 s idle; past this, requests queue. */
  public static final int MAX_HANDLERS = 128;

  /**
   * Requests at once from one peer address ({@link PeerLimit}); one more connection is closed at
   * once. The controller needs 2 (a status read and a push), Prometheus 1.
   */
  public static final int MAX_PER_PEER = 16;

  private final HttpServer server;
  private final ExecutorService executor;

  private ApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} as {@code transport} says and starts serving; {@code /v1/} needs the
   * controller's client certificate under {@link ApiTransport.MutualTls}, and {@code token} when
   * present (at least one of the two). Throws {@link java.net.BindException} when the port is
   * taken.
   */
  public static ApiServer start(
      InetSocketAddress address,
      ApiTransport transport,
      Optional<String> token,
      PlanIntake intake,
      AgentReconciler reconciler)
      throws IOException {
    return start(address, transport, token, intake, reconciler, null);
  }

  /** As above, with live captures ({@code /v1/captures}) when {@code captures} is not null. */
  public static ApiServer start(
      InetSocketAddress address,
      ApiTransport transport,
      Optional<String> token,
      PlanIntake intake,
      AgentReconciler reconciler,
      Captures captures)
      throws IOException {
    ApiAccess access = new ApiAccess(transport instanceof ApiTransport.MutualTls, token);
    deadlines();
    HttpServer server;
    if (transport instanceof ApiTransport.Https h) {
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(h.context()));
      server = https;
    } else if (transport instanceof ApiTransport.MutualTls m) {
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(askingForClientCertificates(m.context()));
      server = https;
    } else {
      server = HttpServer.create(address, 16);
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            MAX_HANDLERS,
            MAX_HANDLERS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "pvespan-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    server
        .createContext(
            "/",
            new AgentApi(
                access,
                intake,
                reconciler,
                BODY_LIMIT,
                captures == null ? null : new CaptureApi(captures)))
        .getFilters()
        .add(new PeerLimit(MAX_PER_PEER));
    server.setExecutor(executor);
    server.start();
    return new ApiServer(server, executor);
  }

  /**
   * Asks for (not needs) a client certificate, so that {@code /healthz} and {@code /metrics} stay
   * open to probes and scrapers; {@code /v1/} refuses a request without the controller's ({@link
   * ApiAccess}). A certificate that is offered must still chain to the CA, or the handshake fails.
   */
  private static HttpsConfigurator askingForClientCertificates(SSLContext context) {
    return new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setWantClientAuth(true);
        params.setSSLParameters(p);
      }
    };
  }

  /**
   * The JDK reads these once, when its server configuration is first loaded: set before the first
   * server exists, unless the operator set them (-D).
   */
  private static void deadlines() {
    setIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_DEADLINE_SECONDS));
    setIfAbsent("sun.net.httpserver.maxRspTime", String.valueOf(RESPONSE_DEADLINE_SECONDS));
    setIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The bound address (the real port when started on port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
