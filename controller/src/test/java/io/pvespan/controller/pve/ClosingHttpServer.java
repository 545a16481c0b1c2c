package io.pvespan.controller.pve;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server on a {@link ServerSocket}, for clients facing servers that close connections
 * the client may have pooled: HTTP/1.0 answers that close every connection (with {@code Connection:
 * close}, without any keep-alive header, or with the body delimited by the close), or HTTP/1.1
 * keep-alive connections closed after an idle timeout (as pveproxy, a restarted pveproxy or a proxy
 * in between do). Counts the connections it accepted and the requests it answered.
 */
public final class ClosingHttpServer implements AutoCloseable {
  /** How connections end. */
  public enum Mode {
    /** {@code HTTP/1.0 200}, {@code Connection: close}, Content-Length, then close. */
    HTTP10_CONNECTION_CLOSE,
    /** {@code HTTP/1.0 200} with Content-Length and no Connection header, then close. */
    HTTP10_NO_KEEP_ALIVE,
    /** {@code HTTP/1.0 200} without Content-Length: the close ends the body. */
    HTTP10_BODY_UNTIL_CLOSE,
    /** HTTP/1.1 keep-alive; a connection idle for the idle timeout is closed. */
    KEEP_ALIVE_IDLE_CLOSE
  }

  /** One request as received. */
  public record Request(String method, String target, Map<String, String> headers, byte[] body) {}

  /** One answer: status code and JSON body. */
  public record Answer(int code, String body) {}

  private final ServerSocket socket;
  private final Mode mode;
  private final Duration idleTimeout;
  private final Function<Request, Answer> handler;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();

  private ClosingHttpServer(Mode mode, Duration idleTimeout, Function<Request, Answer> handler)
      throws IOException {
    this.mode = mode;
    this.idleTimeout = idleTimeout;
    this.handler = handler;
    this.socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  /**
   * @param idleTimeout how long a keep-alive connection may stay idle (only {@link
   *     Mode#KEEP_ALIVE_IDLE_CLOSE})
   */
  public static ClosingHttpServer start(
      Mode mode, Duration idleTimeout, Function<Request, Answer> handler) throws IOException {
    return new ClosingHttpServer(mode, idleTimeout, handler);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
  }

  /** TCP connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** Requests answered so far. */
  public int requests() {
    return requests.get();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.incrementAndGet();
        threads.execute(() -> serve(s));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      boolean keepAlive = mode == Mode.KEEP_ALIVE_IDLE_CLOSE;
      do {
        s.setSoTimeout(keepAlive ? (int) idleTimeout.toMillis() : 10_000);
        Request request = read(in);
        if (request == null) {
          return; // the client closed, or the connection was idle too long
        }
        Answer answer = handler.apply(request);
        requests.incrementAndGet();
        out.write(head(answer, request.method()).getBytes(StandardCharsets.ISO_8859_1));
        out.write(answer.body().getBytes(StandardCharsets.UTF_8));
        out.flush();
      } while (keepAlive);
    } catch (IOException e) {
      // the client went away: nothing to answer
    }
  }

  private String head(Answer answer, String method) {
    int length = answer.body().getBytes(StandardCharsets.UTF_8).length;
    StringBuilder h = new StringBuilder();
    h.append(mode == Mode.KEEP_ALIVE_IDLE_CLOSE ? "HTTP/1.1 " : "HTTP/1.0 ")
        .append(answer.code())
        .append(answer.code() < 300 ? " OK" : " Error")
        .append("\r\nContent-Type: application/json;charset=UTF-8\r\n");
    if (mode != Mode.HTTP10_BODY_UNTIL_CLOSE) {
      h.append("Content-Length: ").append(length).append("\r\n");
    }
    if (mode == Mode.HTTP10_CONNECTION_CLOSE) {
      h.append("Connection: close\r\n");
    }
    return h.append("\r\n").toString();
  }

  /** The next request, or null at end of stream or after the idle timeout. */
  private static Request read(InputStream in) throws IOException {
    String line;
    try {
      line = line(in);
    } catch (SocketTimeoutException e) {
      return null;
    }
    if (line == null || line.isEmpty()) {
      return null;
    }
    String[] parts = line.split(" ");
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("Content-Length", "0"));
    byte[] body = in.readNBytes(length);
    return new Request(parts[0].toUpperCase(Locale.ROOT), parts[1], headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    threads.shutdownNow();
  }
}
