package io.pvespan.lab.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs each command as its own OS process, with a timeout. */
public final class ProcessCommandExecutor implements CommandExecutor {
  private final Duration timeout;

  public ProcessCommandExecutor(Duration timeout) {
    this.timeout = timeout;
  }

  public ProcessCommandExecutor() {
    this(Duration.ofSeconds(10));
  }

  @Override
  public CommandResult run(ProxmoxCommand command) {
    long start = System.nanoTime();
    try {
      Process p =
          new ProcessBuilder(command.argv())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
      }
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new CommandResult(
            command, -1, "timed out after " + timeout, start, System.nanoTime());
      }
      long end = System.nanoTime();
      return new CommandResult(command, p.exitValue(), err.join().strip(), start, end);
    } catch (IOException e) {
      return new CommandResult(command, -1, e.toString(), start, System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new CommandResult(command, -1, "interrupted", start, System.nanoTime());
    }
  }

  @Override
  public String read(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
      p.getOutputStream().close();
      CompletableFuture<String> err = drain(p.getErrorStream());
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + argv);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(argv + " exited " + p.exitValue() + ": " + err.join());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + argv, e);
    }
  }

  private static CompletableFuture<String> drain(InputStream s) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return e.toString();
          }
        });
  }
}
