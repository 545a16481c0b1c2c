package io.pvespan.controller.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.controller.capture.Captures;
import io.pvespan.plan.PlanJson;
import io.pvespan.server.PeerLimit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The controller's read-only HTTP API: {@code GET /v1/sessions}, {@code /v1/nodes}, {@code
 * /v1/plans} (JSON by {@link PlanJson#MAPPER}), {@code /healthz}, {@code /metrics} (Prometheus text
 * or OpenMetrics, {@link ControllerMetrics}). Anything else: 404 or 405 with {@code {"error":
 * reason}}.
 */
public final class ApiServer implements AutoCloseable {
  /** A request must be read within this, and answered within the next (seconds). */
  public static final int REQUEST_DEADLINE_SECONDS = 5;

  public static final int RESPONSE_DEADLINE_SECONDS = 30;

  /** Handler threads, made on demand and ended after 30 s idle; past this, requests queue. */
  public static final int MAX_HANDLERS = 128;

  /**
   * Requests at once from one peer address ({@link PeerLimit}); one more connection is closed at
   * once. {@code ./pvespan status} needs 3, Prometheus 1.
   */
  public static final int MAX_PER_PEER = 16;

  private static final Map<String, Function<ControllerSnapshot, Object>> JSON_ROUTES =
      Map.of(
          "/v1/sessions", ControllerViews::sessions,
          "/v1/nodes", ControllerViews::nodes,
          "/v1/plans", ControllerViews::plans,
          "/v1/inventory", ControllerViews::inventory);

  private final HttpServer server;
  private final ExecutorService executor;
  private final Supplier<ControllerSnapshot> snapshots;
  private final MetricsEndpoint metrics;
  private final CaptureEndpoint captures;
  private final Captures captureRegistry;

  private ApiServer(
      HttpServer server,
      ExecutorService executor,
      Supplier<ControllerSnapshot> s,
      BooleanSupplier leading,
      Captures captures) {
    this.captures = captures == null ? null : new CaptureEndpoint(captures);
    this.captureRegistry = captures;
    this.server = server;
    this.executor = executor;
    this.snapshots = s;
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new ControllerMetrics(s, leading));
    this.metrics = new MetricsEndpoint(registry);
  }

  /**
   * Starts serving on {@code address} (port 0: any free port; see {@link #port()}).
   *
   * @throws IOException when the address cannot be bound
   */
  public static ApiServer start(InetSocketAddress address, Supplier<ControllerSnapshot> snapshots)
      throws IOException {
    return start(address, snapshots, () -> true, null);
  }

  /**
   * Starts serving on {@code address}; {@code leading} says whether this controller plans and
   * pushes now ({@code pvespan_controller_leader}); live captures ({@code /v1/captures}) when
   * {@code captures} is not null.
   *
   * @throws IOException when the address cannot be bound
   */
  public static ApiServer start(
      InetSocketAddress address,
      Supplier<ControllerSnapshot> snapshots,
      BooleanSupplier leading,
      Captures captures)
      throws IOException {
    // Read once, when the JDK's server configuration is first loaded, so set before the first
    // HttpServer exists (unless the operator set them with -D). nodelay: small answers otherwise
    // wait ~40 ms for a delayed ACK. The deadlines: the JDK reads a request on a handler thread, so
    // a client that connects and sends nothing held a thread forever (two froze this API).
    setIfAbsent("sun.net.httpserver.nodelay", "true");
    setIfAbsent("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_DEADLINE_SECONDS));
    setIfAbsent("sun.net.httpserver.maxRspTime", String.valueOf(RESPONSE_DEADLINE_SECONDS));
    HttpServer server = HttpServer.create(address, 64);
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            MAX_HANDLERS,
            MAX_HANDLERS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "pvespan-api");
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    ApiServer api = new ApiServer(server, executor, snapshots, leading, captures);
    server.createContext("/", api::handle).getFilters().add(new PeerLimit(MAX_PER_PEER));
    server.setExecutor(executor);
    server.start();
    return api;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (captures != null && path.startsWith(CaptureEndpoint.PREFIX)) {
        captures.handle(ex);
        return;
      }
      boolean known =
          JSON_ROUTES.containsKey(path) || path.equals("/healthz") || path.equals("/metrics");
      if (!known) {
        send(ex, 404, "application/json", error("no such resource: " + path));
        return;
      }
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().add("Allow", "GET");
        send(ex, 405, "application/json", error("the API is read-only: use GET"));
        return;
      }
      if (path.equals("/healthz")) {
        send(ex, 200, "text/plain; charset=utf-8", "ok\n");
        return;
      }
      if (path.equals("/metrics")) {
        MetricsEndpoint.Scrape scrape = metrics.scrape(ex.getRequestHeaders().getFirst("Accept"));
        send(ex, 200, scrape.contentType(), scrape.body());
        return;
      }
      ControllerSnapshot s = snapshots.get();
      send(
          ex, 200, "application/json", PlanJson.writePretty(JSON_ROUTES.get(path).apply(s)) + "\n");
    } catch (RuntimeException e) {
      send(ex, 500, "application/json", error("internal error: " + e));
    }
  }

  private static String error(String message) {
    return PlanJson.write(Map.of("error", message)) + "\n";
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    if (captureRegistry != null) {
      captureRegistry.close();
    }
    server.stop(0);
    executor.shutdownNow();
  }
}
