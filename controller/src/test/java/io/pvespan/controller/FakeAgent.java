package io.pvespan.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import io.pvespan.status.Condition;
import io.pvespan.status.DriftItem;
import io.pvespan.status.GuestDevice;
import io.pvespan.status.NodeMirrorStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in node agent on 127.0.0.1 speaking the agent's API: {@code PUT /v1/plan} (recorded; 409
 * for a generation not above the applied one, 401 without the bearer token), {@code GET /v1/status}
 * (with the {@code guestDevices} and {@code conditions} a test sets). Its answer to PUT can be
 * switched to 500 or to hanging until released; its answer to GET status can hang until released
 * too ({@code statusHangs}).
 */
final class FakeAgent implements AutoCloseable {
  enum Mode {
    OK,
    FAIL_500,
    HANG
  }

  static final String TOKEN = "agent-secret-token";

  final String node;
  final List<NodeMirrorPlan> puts = new CopyOnWriteArrayList<>();
  final CountDownLatch hangEntered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final int port;
  private HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  volatile Mode mode = Mode.OK;
  volatile boolean conflictBodyHasGeneration = true;
  volatile long appliedGeneration;
  volatile String appliedDigest;
  volatile List<DriftItem> drift = List.of();
  volatile List<GuestDevice> guestDevices = List.of();
  volatile List<Condition> conditions = List.of();
  volatile boolean statusHangs;
  final CountDownLatch statusHangEntered = new CountDownLatch(1);
  final AtomicInteger statusReads = new AtomicInteger();

  FakeAgent(String node) throws IOException {
    this.node = node;
    server = listen(0);
    port = server.getAddress().getPort();
  }

  private HttpServer listen(int p) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 16);
    s.createContext("/", this::handle);
    s.setExecutor(executor);
    s.start();
    return s;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Closes the port: the controller's connections are refused until {@link #up()}. */
  synchronized void down() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Listens again on the same port, with the state it had (the agent kept its plan). */
  synchronized void up() throws IOException {
    if (server == null) {
      server = listen(port);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        send(ex, 401, "{\"error\":\"unauthorized\"}");
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.equals("/v1/status") && ex.getRequestMethod().equals("GET")) {
        if (statusHangs) {
          statusHangEntered.countDown();
          awaitRelease();
        }
        statusReads.incrementAndGet();
        send(ex, 200, PlanJson.write(status()));
      } else if (path.equals("/v1/plan") && ex.getRequestMethod().equals("PUT")) {
        put(ex);
      } else {
        send(ex, 404, "{\"error\":\"no such resource\"}");
      }
    }
  }

  private void put(HttpExchange ex) throws IOException {
    NodeMirrorPlan plan = PlanJson.MAPPER.readValue(ex.getRequestBody(), NodeMirrorPlan.class);
    if (mode == Mode.HANG) {
      hangEntered.countDown();
      awaitRelease();
    }
    puts.add(plan);
    if (mode == Mode.FAIL_500) {
      send(ex, 500, "{\"error\":\"kernel said no\",\"details\":[\"tc: exit 2\"]}");
      return;
    }
    synchronized (this) {
      // As the real agent: older, or the same generation with other content, is stale (409);
      // the same generation and content is an unchanged 200.
      if (plan.generation() == appliedGeneration && plan.digest().equals(appliedDigest)) {
        send(ex, 200, "{\"accepted\":false}");
        return;
      }
      if (plan.generation() <= appliedGeneration) {
        String gen = conflictBodyHasGeneration ? ",\"appliedGeneration\":" + appliedGeneration : "";
        send(ex, 409, "{\"error\":\"stale generation " + plan.generation() + "\"" + gen + "}");
        return;
      }
      appliedGeneration = plan.generation();
      appliedDigest = plan.digest();
    }
    send(ex, 200, "{}");
  }

  private void awaitRelease() {
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized NodeMirrorStatus status() {
    return new NodeMirrorStatus(
        null,
        null,
        node,
        appliedGeneration,
        appliedDigest,
        null,
        null,
        drift,
        null,
        conditions,
        guestDevices);
  }

  /** PUTs that were accepted (generation and digest recorded). */
  List<Long> generationsPut() {
    return puts.stream().map(NodeMirrorPlan::generation).toList();
  }

  void release() {
    release.countDown();
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    release();
    down();
    executor.shutdownNow();
  }
}
