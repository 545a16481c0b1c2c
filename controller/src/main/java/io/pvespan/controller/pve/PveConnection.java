package io.pvespan.controller.pve;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach the Proxmox API. {@code url} is the node's address as users write it
 * ({@code https://pve1.example:8006}); the client appends {@code /api2/json}. Port 8006 is used
 * when none is given. Plain {@code http} is accepted only for the lab's stand-in server.
 *
 * <p>{@link #toString()} never shows the token secret.
 */
public record PveConnection(
    URI url, PveToken token, PveTls tls, Duration connectTimeout, Duration readTimeout) {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);

  public PveConnection {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
    tls = tls == null ? new PveTls.SystemTrust() : tls;
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
    if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    url = normalize(url);
  }

  /** The usual case: default timeouts. */
  public static PveConnection of(String url, PveToken token, PveTls tls) {
    return new PveConnection(parseUrl(url), token, tls, null, null);
  }

  public PveConnection withTimeouts(Duration connect, Duration read) {
    return new PveConnection(url, token, tls, connect, read);
  }

  /** {@code scheme://host:port/api2/json/}, ending with a slash. */
  public String apiBase() {
    return url + "/api2/json/";
  }

  /**
   * Parses a user's URL.
   *
   * @throws IllegalArgumentException one line naming the problem
   */
  public static URI parseUrl(String text) {
    try {
      return normalize(new URI(Objects.requireNonNull(text, "url").strip()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason());
    }
  }

  private static URI normalize(URI u) {
    String scheme = u.getScheme();
    if (scheme == null
        || !(scheme.equals("https") || scheme.equals("http"))
        || u.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + u + "' is not an https://HOST[:PORT] URL of the Proxmox API");
    }
    if (u.getUserInfo() != null || u.getQuery() != null || u.getFragment() != null) {
      throw new IllegalArgumentException(
          "the Proxmox URL takes no user, query or fragment: https://HOST[:PORT]");
    }
    String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
    if (!(path.isEmpty() || path.equals("/api2/json"))) {
      throw new IllegalArgumentException(
          "the Proxmox URL takes no path (got '" + path + "'); /api2/json is added");
    }
    int port = u.getPort() == -1 ? 8006 : u.getPort();
    try {
      return new URI(scheme, null, u.getHost(), port, null, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + u + "' is not a URL: " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return "PveConnection[url="
        + url
        + ", token="
        + token
        + ", tls="
        + tls
        + ", connectTimeout="
        + connectTimeout
        + ", readTimeout="
        + readTimeout
        + "]";
  }
}
