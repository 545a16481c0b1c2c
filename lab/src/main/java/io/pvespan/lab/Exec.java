package io.pvespan.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The lab's one way to run a program: an argument list with an absolute binary path, never a shell,
 * always a timeout; a failure is a {@link LabException} naming the command.
 */
public final class Exec {
  public static final String IP = "/usr/sbin/ip";
  public static final String TC = "/usr/sbin/tc";
  public static final String ETHTOOL = "/usr/sbin/ethtool";
  public static final String SYSCTL = "/usr/sbin/sysctl";
  public static final String IPERF3 = "/usr/bin/iperf3";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private Exec() {}

  /** Runs {@code argv}; returns its stdout. Throws when it exits non-zero or times out. */
  public static String run(List<String> argv) {
    return run(DEFAULT_TIMEOUT, argv);
  }

  public static String run(String... argv) {
    return run(DEFAULT_TIMEOUT, List.of(argv));
  }

  public static String run(Duration timeout, List<String> argv) {
    Result r = attempt(timeout, argv);
    if (r.exitCode() != 0) {
      throw new LabException(
          String.join(" ", argv) + ": exit " + r.exitCode() + ": " + r.stderr().strip());
    }
    return r.stdout();
  }

  /** Runs {@code argv} and returns whatever happened; only a timeout or a missing tool throws. */
  public static Result attempt(Duration timeout, List<String> argv) {
    Process p = startPiped(argv);
    // Drain both pipes concurrently: a chatty command must not block on a full pipe.
    CompletableFuture<String> out = drain(p, false);
    CompletableFuture<String> err = drain(p, true);
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new LabException(String.join(" ", argv) + ": timed out after " + timeout);
      }
      return new Result(p.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LabException(String.join(" ", argv) + ": interrupted", e);
    } catch (ExecutionException e) {
      throw new LabException(String.join(" ", argv) + ": cannot read output", e);
    }
  }

  /**
   * Starts {@code argv} in the background. With a {@code log}, stdout and stderr go there
   * (appended); without, they are discarded.
   */
  public static Process start(List<String> argv, Path log) {
    checkAbsolute(argv);
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
    pb.redirectErrorStream(true)
        .redirectOutput(
            log == null
                ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      return pb.start();
    } catch (IOException e) {
      throw new LabException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static Process startPiped(List<String> argv) {
    checkAbsolute(argv);
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      return pb.start();
    } catch (IOException e) {
      throw new LabException("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static void checkAbsolute(List<String> argv) {
    if (!Path.of(argv.get(0)).isAbsolute()) {
      throw new IllegalArgumentException("binary path must be absolute: " + argv.get(0));
    }
  }

  private static CompletableFuture<String> drain(Process p, boolean stderr) {
    // Own threads, not the common pool: with 2 cores it has one worker, and two blocking reads
    // queued on it would deadlock a command that fills its stderr pipe.
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (var in = stderr ? p.getErrorStream() : p.getInputStream()) {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                text.complete("");
              }
            },
            "exec-drain");
    reader.setDaemon(true);
    reader.start();
    return text;
  }

  /** What a finished command did. */
  public record Result(int exitCode, String stdout, String stderr) {}
}
