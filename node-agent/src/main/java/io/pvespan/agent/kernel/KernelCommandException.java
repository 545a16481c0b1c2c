package io.pvespan.agent.kernel;

/**
 * A kernel command that failed: exit code (-1 when it could not run or timed out) and the first
 * line it wrote on stderr. The message is one line, fit for a status report.
 */
public final class KernelCommandException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String stderrLine;

  public KernelCommandException(String command, int exitCode, String stderrLine) {
    super(command + ": exit " + exitCode + (stderrLine.isEmpty() ? "" : ": " + stderrLine));
    this.exitCode = exitCode;
    this.stderrLine = stderrLine;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderrLine() {
    return stderrLine;
  }
}
