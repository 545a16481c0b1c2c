package io.pvespan.agent.api;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pvespan.agent.engine.AgentReconciler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * The agent's HTTP(S) server on the JDK's {@code com.sun.net.httpserver}: no framework, two handler
 * threads (the controller pushes one plan at a time; scrapes are rare).
 */
public final class ApiServer implements AutoCloseable {
  /** Bodies above this are refused with 413 (a plan for 1,000 devices is well under 1 MiB). */
  public static final long BODY_LIMIT = 8L * 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;

  private ApiServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} (HTTPS when {@code tls} is not null) and starts serving. Throws {@link
   * java.net.BindException} when the port is taken.
   */
  public static ApiServer start(
      InetSocketAddress address,
      SSLContext tls,
      String token,
      PlanIntake intake,
      AgentReconciler reconciler)
      throws IOException {
    HttpServer server;
    if (tls == null) {
      server = HttpServer.create(address, 16);
    } else {
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "pvespan-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.createContext("/", new AgentApi(new BearerAuth(token), intake, reconciler, BODY_LIMIT));
    server.setExecutor(executor);
    server.start();
    return new ApiServer(server, executor);
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
