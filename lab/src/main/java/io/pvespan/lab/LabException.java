package io.pvespan.lab;

/**
 * The lab could not do what was asked: a command failed (its argv, exit code and stderr are in the
 * message), timed out, or a tool is missing. One line; the lab never retries on its own.
 */
public final class LabException extends RuntimeException {
  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
