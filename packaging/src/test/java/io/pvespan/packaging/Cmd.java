package io.pvespan.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host command from an argument list (no shell of ours), with a timeout; output captured
 * through files so a chatty command can never block on a full pipe.
 */
final class Cmd {
  /** What a finished command left: its exit code, stdout and stderr. */
  record Result(List<String> argv, int exit, String out, String err) {
    /** This result when the exit code is 0; otherwise an AssertionError with everything. */
    Result ok() {
      if (exit != 0) {
        throw new AssertionError(describe());
      }
      return this;
    }

    String describe() {
      return String.join(" ", argv) + " exited " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  private Cmd() {}

  static Result run(Duration timeout, List<String> argv) {
    try {
      Path out = Files.createTempFile("pvespan-cmd", ".out");
      Path err = Files.createTempFile("pvespan-cmd", ".err");
      try {
        Process p =
            new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor();
          throw new AssertionError(String.join(" ", argv) + " timed out after " + timeout);
        }
        return new Result(
            List.copyOf(argv),
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + argv, e);
    }
  }

  static Result run(String... argv) {
    return run(Duration.ofSeconds(60), List.of(argv));
  }

  /** Runs and requires exit 0. */
  static Result ok(String... argv) {
    return run(argv).ok();
  }
}
