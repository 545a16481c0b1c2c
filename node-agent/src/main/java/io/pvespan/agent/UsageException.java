package io.pvespan.agent;

/** A command-line mistake: one line for the user, exit 2. */
public final class UsageException extends Exception {
  public UsageException(String message) {
    super(message, null, false, false);
  }
}
