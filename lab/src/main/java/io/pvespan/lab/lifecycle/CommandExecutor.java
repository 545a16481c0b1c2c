package io.pvespan.lab.lifecycle;

import java.util.List;

/** The driver's one door to the OS: one process per call, an argument list, never a shell. */
public interface CommandExecutor {
  /**
   * Runs one command to completion and reports it; never throws for a failing command (a process
   * that cannot start or times out reports exit code -1 and why in {@code stderr}).
   */
  CommandResult run(ProxmoxCommand command);

  /**
   * Runs a read-only probe ({@code ip -j ...}) and returns its stdout.
   *
   * @throws IllegalStateException when it exits non-zero
   */
  String read(List<String> argv);
}
