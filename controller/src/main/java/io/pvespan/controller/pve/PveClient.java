package io.pvespan.controller.pve;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.pvespan.controller.pve.PveException.Cause;
import io.pvespan.controller.pve.internal.ResponseDecoder;
import io.pvespan.controller.pve.internal.ResponseDecoder.RetryableFailure;
import io.pvespan.controller.tls.TlsSetup;
import io.pvespan.controller.tls.UntrustedCertificateException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small read-only client for the Proxmox VE API: {@code GET} a path, get its {@code data}.
 *
 * <p>Contract: sends {@code Authorization: PVEAPIToken=...}; at most {@link #MAX_IN_FLIGHT}
 * requests in flight (pveproxy has 3 workers); retries (exponential backoff with jitter) only on
 * connection failures, HTTP 5xx and 429, never on other 4xx, TLS refusals or read timeouts (a busy
 * pveproxy is not helped by more requests, and a refused token answers only after 3 s); every
 * failure is a {@link PveException} with one line for the user that never contains the token.
 * Thread-safe.
 *
 * <p>A pooled connection the server has closed (its keep-alive timeout, a restarted pveproxy, an
 * HTTP/1.0 answer without keep-alive) is not a failure: okhttp re-sends the GET on a fresh
 * connection within the same attempt.
 */
public final class PveClient implements AutoCloseable {
  public static final int MAX_IN_FLIGHT = 3;
  private static final Logger LOG = LoggerFactory.getLogger(PveClient.class);
  private static final AtomicBoolean WARNED_INSECURE = new AtomicBoolean();

  private final PveConnection connection;
  private final OkHttpClient http;
  private final HttpUrl base;
  private final Retry retry;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT, true);
  private final AtomicLong requests = new AtomicLong();

  /**
   * Retry policy: up to {@code maxAttempts} attempts, waiting {@code initialBackoff} times {@code
   * multiplier}^n, randomized by ±{@code jitter} (0..1).
   */
  public record Retries(
      int maxAttempts, Duration initialBackoff, double multiplier, double jitter) {
    public static final Retries DEFAULT = new Retries(3, Duration.ofMillis(500), 2.0, 0.5);

    public Retries {
      if (maxAttempts < 1 || initialBackoff.isNegative() || initialBackoff.isZero()) {
        throw new IllegalArgumentException("maxAttempts >= 1 and a positive backoff");
      }
      if (multiplier < 1 || jitter < 0 || jitter >= 1) {
        throw new IllegalArgumentException("multiplier >= 1 and 0 <= jitter < 1");
      }
    }
  }

  public PveClient(PveConnection connection) throws PveException {
    this(connection, Retries.DEFAULT);
  }

  public PveClient(PveConnection connection, Retries retries) throws PveException {
    this.connection = connection;
    this.base = HttpUrl.get(connection.apiBase());
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequestsPerHost(MAX_IN_FLIGHT);
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectionPool(
                new ConnectionPool(MAX_IN_FLIGHT, 5, java.util.concurrent.TimeUnit.MINUTES))
            .connectTimeout(connection.connectTimeout())
            .readTimeout(connection.readTimeout())
            // Every request here is an idempotent GET: safe to re-send when a pooled connection
            // turns out closed. okhttp does not re-send after a read timeout or a TLS refusal.
            .retryOnConnectionFailure(true)
            .followRedirects(false);
    if (base.isHttps()) {
      if (connection.tls() instanceof PveTls.Insecure
          && WARNED_INSECURE.compareAndSet(false, true)) {
        LOG.warn(
            "pvespan: TLS verification is OFF (--pve-insecure): anyone on the path can read the"
                + " API token; pin the certificate with --pve-fingerprint instead");
      }
      try {
        TlsSetup.apply(
            b,
            connection.tls().trust(),
            "pin it with --pve-fingerprint after checking it with pvenode cert info,"
                + " or give --pve-ca-file /etc/pve/pve-root-ca.pem");
      } catch (IllegalArgumentException e) {
        throw new PveException(e.getMessage());
      }
    } else {
      LOG.warn(
          "pvespan: plain http to {}: the API token travels unencrypted (fine for the lab's"
              + " stand-in only; Proxmox itself serves https)",
          base.host());
    }
    this.http = b.build();
    this.retry =
        Retry.of(
            "pve",
            RetryConfig.<Object>custom()
                .maxAttempts(retries.maxAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        retries.initialBackoff().toMillis(),
                        retries.multiplier(),
                        retries.jitter()))
                .retryExceptions(RetryableFailure.class)
                .build());
  }

  public PveConnection connection() {
    return connection;
  }

  /** HTTP requests sent so far (every attempt counts). */
  public long requestCount() {
    return requests.get();
  }

  /**
   * {@code GET /api2/json/{path}} and return its {@code data}.
   *
   * @param path relative to {@code /api2/json}, e.g. {@code cluster/resources?type=vm}; path
   *     segments from the server must already be validated by the caller
   */
  public JsonNode get(String path) throws PveException {
    String rel = path.startsWith("/") ? path.substring(1) : path;
    HttpUrl url = HttpUrl.get(base + rel);
    String what = "GET /" + rel.replaceFirst("\\?.*", "");
    Request request =
        new Request.Builder()
            .url(url)
            .header("Authorization", connection.token().authorizationHeader())
            .header("Accept", "application/json")
            .build();
    Supplier<JsonNode> attempt = Retry.decorateSupplier(retry, () -> once(what, request));
    try {
      return attempt.get();
    } catch (RetryableFailure f) {
      int n = retry.getRetryConfig().getMaxAttempts();
      throw new PveException(
          f.failure().cause(), f.getMessage() + (n > 1 ? " (after " + n + " attempts)" : ""));
    } catch (Wrapped w) {
      throw w.failure;
    }
  }

  private JsonNode once(String what, Request request) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Wrapped(new PveException(Cause.OTHER, what + ": interrupted"));
    }
    requests.incrementAndGet();
    try (Response response = http.newCall(request).execute()) {
      ResponseBody body = response.body();
      MediaType type = body == null ? null : body.contentType();
      String text = body == null ? "" : body.string();
      return ResponseDecoder.decode(
          what, response.code(), response.message(), type == null ? null : type.toString(), text);
    } catch (PveException e) {
      throw new Wrapped(e);
    } catch (IOException e) {
      throw classify(what, e);
    } finally {
      inFlight.release();
    }
  }

  private RuntimeException classify(String what, IOException e) {
    UntrustedCertificateException cert = find(e, UntrustedCertificateException.class);
    if (cert != null) {
      return new Wrapped(new PveException(Cause.TLS, what + ": " + cert.getMessage()));
    }
    String where = base.host() + ":" + base.port();
    if (e instanceof ConnectException
        || e instanceof NoRouteToHostException
        || (e instanceof SocketTimeoutException
            && String.valueOf(e.getMessage())
                .toLowerCase(java.util.Locale.ROOT)
                .contains("connect"))) {
      return new RetryableFailure(
          new PveException(
              Cause.UNREACHABLE, what + ": cannot connect to " + where + ": " + e.getMessage()));
    }
    if (e instanceof UnknownHostException) {
      return new Wrapped(
          new PveException(Cause.UNREACHABLE, what + ": unknown host " + base.host()));
    }
    if (e instanceof InterruptedIOException) {
      return new Wrapped(
          new PveException(
              Cause.TIMEOUT,
              what
                  + ": no answer from "
                  + where
                  + " within the read timeout of "
                  + connection.readTimeout().toMillis()
                  + " ms"));
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return new Wrapped(
          new PveException(Cause.TLS, what + ": TLS failed with " + where + ": " + e.getMessage()));
    }
    // A connection reset or closed before an answer on a fresh connection (okhttp has already
    // retried a stale pooled one): the server or a proxy is restarting.
    return new RetryableFailure(
        new PveException(
            Cause.UNREACHABLE, what + ": connection to " + where + " failed: " + e.getMessage()));
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      for (Throwable s : c.getSuppressed()) {
        if (type.isInstance(s)) {
          return type.cast(s);
        }
      }
    }
    return null;
  }

  /** Carries a non-retryable {@link PveException} through the retry decorator. */
  private static final class Wrapped extends RuntimeException {
    final PveException failure;

    Wrapped(PveException failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "PveClient[" + connection + "]";
  }
}
