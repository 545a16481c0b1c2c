package io.pvespan.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * Entry point of {@code ./pvespan agent}. Exit 2 with one line for a usage mistake, 1 with one line
 * when the agent cannot run (token file, TLS files, state dir, port); otherwise it runs until
 * SIGTERM/SIGINT.
 */
public final class AgentMain {
  private AgentMain() {}

  /** The production kernel layer: the iproute2 adapter and its monitors. */
  static KernelPorts kernelPorts() {
    return new Iproute2Ports(Clock.systemUTC());
  }

  public static void main(String[] args) {
    AgentRuntime runtime;
    try {
      runtime = start(args, kernelPorts(), System.out, System.err);
    } catch (Exit e) {
      System.exit(e.code);
      return;
    }
    if (runtime == null) {
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.close();
                  stopped.countDown();
                },
                "pvespan-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Parses and starts; null after {@code --help} or {@code --version}. Throws {@link Exit} (with
   * the line already printed on {@code err}) for usage (2) and runtime (1) problems.
   */
  static AgentRuntime start(String[] args, KernelPorts kernel, PrintStream out, PrintStream err)
      throws Exit {
    CommandLine line = AgentArgs.commandLine();
    AgentOptions options;
    try {
      AgentArgs given = AgentArgs.parse(line, args);
      if (line.isUsageHelpRequested()) {
        line.usage(out);
        return null;
      }
      if (line.isVersionHelpRequested()) {
        line.printVersionHelp(out);
        return null;
      }
      options = AgentOptions.of(given);
    } catch (UsageException e) {
      err.println("pvespan agent: " + e.getMessage() + " (see ./pvespan agent --help)");
      throw new Exit(2);
    }
    try {
      return AgentRuntime.start(options, kernel, Clock.systemUTC());
    } catch (IOException e) {
      err.println("pvespan agent: " + e.getMessage());
      throw new Exit(1);
    }
  }

  /** A process exit code, thrown so tests can check it without exiting the JVM. */
  static final class Exit extends Exception {
    final int code;

    Exit(int code) {
      super("exit " + code, null, false, false);
      this.code = code;
    }
  }
}
