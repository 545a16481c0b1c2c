package io.pvespan.agent.kernel;

import java.util.List;
import java.util.Set;

/**
 * The one path from the agent to the kernel: {@code ip} and {@code tc} run with an argument list or
 * a batch of {@link CommandLine}s (never a shell), each with a timeout. Implementations count the
 * processes they spawn so callers can prove a no-op converge stays cheap.
 */
public interface CommandRunner {
  /** Global options put before the command or batch. */
  enum Option {
    /** {@code -j}: JSON output. */
    JSON("-j"),
    /** {@code -s}: statistics. */
    STATS("-s"),
    /** {@code -d}: details (link kinds and tunnel parameters). */
    DETAILS("-d");

    private final String flag;

    Option(String flag) {
      this.flag = flag;
    }

    public String flag() {
      return flag;
    }
  }

  /**
   * Runs one command. Returns its output when it exits 0; otherwise throws with the exit code and
   * the first stderr line.
   */
  String run(Tool tool, Set<Option> options, CommandLine command) throws KernelCommandException;

  /**
   * Runs {@code lines} through one {@code TOOL -force -batch -} process: every line is attempted
   * even when an earlier one fails; failures come back per line. Throws only when the process
   * cannot run at all (spawn failure, timeout).
   */
  BatchResult batch(Tool tool, Set<Option> options, List<CommandLine> lines)
      throws KernelCommandException;

  /**
   * Starts a long-running command (a monitor) whose stdout the caller reads; the caller destroys
   * it. Counts as one spawned process.
   */
  Process start(Tool tool, CommandLine command) throws KernelCommandException;

  /** Processes spawned so far by this runner. */
  long processesSpawned();
}
