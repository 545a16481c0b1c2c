package io.pvespan.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server in front of the Proxmox API stand-in that passes every request through
 * unchanged until told to fail in one of the ways a real pveproxy (or what sits in front of it)
 * fails: {@link Fault}. {@link Fault#DOWN} closes the listening socket (connection refused) and
 * {@link Fault#NONE} opens it again on the same port.
 */
final class FaultyProxmox implements AutoCloseable {
  enum Fault {
    NONE,
    /** Nothing listens: connection refused. */
    DOWN,
    /** Answers correctly, but only after {@link #SLOW_BY} (more than the client's read timeout). */
    SLOW,
    /** HTTP 500 with Proxmox's envelope. */
    HTTP_500,
    /** The request goes on with a revoked token: the stand-in itself answers 401. */
    HTTP_401,
    /** The real answer cut in half: 200, JSON content type, invalid JSON. */
    TRUNCATED_JSON,
    /** 200 with an HTML page (a proxy's login or error page in front of the API). */
    HTML
  }

  static final Duration SLOW_BY = Duration.ofSeconds(3);
  static final String REVOKED = "PVEAPIToken=pvespan@pve!controller=ffffffff-0000-0000-0000-0000";

  private final URI upstream;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private HttpServer server;
  private volatile Fault fault = Fault.NONE;

  FaultyProxmox(URI upstream) throws IOException {
    this.upstream = upstream;
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  synchronized void fault(Fault next) throws IOException {
    if (next == Fault.DOWN && server != null) {
      server.stop(0);
      server = null;
    } else if (next != Fault.DOWN && server == null) {
      server = listen(port);
    }
    fault = next;
  }

  private HttpServer listen(int p) throws IOException {
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 64);
    s.setExecutor(executor);
    s.createContext("/", this::handle);
    s.start();
    return s;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Fault f = fault;
      if (f == Fault.HTTP_500) {
        send(ex, 500, "application/json;charset=UTF-8", "{\"data\":null}");
        return;
      }
      if (f == Fault.HTML) {
        send(
            ex,
            200,
            "text/html; charset=utf-8",
            "<html><head><title>Sign in</title></head><body>portal</body></html>");
        return;
      }
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      HttpRequest request =
          HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
              .header("Authorization", f == Fault.HTTP_401 ? REVOKED : String.valueOf(auth))
              .timeout(Duration.ofSeconds(10))
              .GET()
              .build();
      HttpResponse<String> answer;
      try {
        answer = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      String body = answer.body();
      if (f == Fault.TRUNCATED_JSON) {
        body = body.substring(0, body.length() / 2);
      }
      if (f == Fault.SLOW) {
        try {
          Thread.sleep(SLOW_BY.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      send(
          ex,
          answer.statusCode(),
          answer.headers().firstValue("Content-Type").orElse("application/json"),
          body);
    }
  }

  private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }
}
