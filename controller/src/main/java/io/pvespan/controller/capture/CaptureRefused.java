package io.pvespan.controller.capture;

/** A capture that cannot start: 404 (no such session or guest), 400, 429 or 503; one line. */
public final class CaptureRefused extends Exception {
  private final int status;

  public CaptureRefused(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
