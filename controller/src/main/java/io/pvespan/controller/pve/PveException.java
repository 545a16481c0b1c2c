package io.pvespan.controller.pve;

import java.util.Locale;

/**
 * The Proxmox API could not be used; the message is one line for the user, never the token. {@link
 * #cause()} says which kind of failure it was, for metrics and alerts.
 */
public class PveException extends Exception {
  /** What went wrong, coarse enough to alert on; {@link #label()} is the metric label. */
  public enum Cause {
    /** No connection could be made (refused, no route, unknown host, connect timeout, reset). */
    UNREACHABLE,
    /** Connected, but no answer within the read timeout. */
    TIMEOUT,
    /** HTTP 5xx or 429. */
    SERVER_ERROR,
    /** HTTP 401 or 403: the token was refused or lacks a privilege. */
    UNAUTHORIZED,
    /** An answer that is not the API's JSON (HTML, malformed or truncated JSON, wrong shapes). */
    BAD_RESPONSE,
    /** The TLS handshake or the certificate check failed. */
    TLS,
    /** Anything else (another 4xx, a bad token file, an interrupt). */
    OTHER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Cause cause;

  public PveException(String message) {
    this(Cause.OTHER, message);
  }

  public PveException(Cause cause, String message) {
    super(message);
    this.cause = cause;
  }

  public PveException(String message, Throwable cause) {
    super(message, cause);
    this.cause = Cause.OTHER;
  }

  /** The kind of failure (never null). */
  public Cause cause() {
    return cause;
  }
}
