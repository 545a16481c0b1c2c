package io.pvespan.lab.lifecycle;

/**
 * What one command did.
 *
 * @param command the command
 * @param exitCode its exit status; -1 when it could not be started or timed out
 * @param stderr its standard error (trimmed)
 * @param startNanos {@link System#nanoTime()} just before the process started
 * @param endNanos {@link System#nanoTime()} after it exited
 */
public record CommandResult(
    ProxmoxCommand command, int exitCode, String stderr, long startNanos, long endNanos) {
  public boolean succeeded() {
    return exitCode == 0;
  }

  /** It failed and Proxmox does not tolerate that failure: the guest operation fails. */
  public boolean failedUntolerated() {
    return !succeeded() && !command.failureTolerated();
  }
}
