package io.pvespan.agent.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code /usr/sbin/ip} and {@code /usr/sbin/tc} through {@link ProcessBuilder} with argument
 * lists. With a namespace, every command gets {@code -n NS} (one JVM driving a lab or test
 * namespace); in production the agent runs in the node's namespace and passes none.
 */
public final class ProcessCommandRunner implements CommandRunner {
  private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

  /**
   * Own daemon threads for draining pipes: the common pool may have a single thread on a 2-core
   * node, and stdout and stderr must be read at the same time or a full pipe blocks the tool.
   */
  private static final ExecutorService DRAINERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "pvespan-pipe");
            t.setDaemon(true);
            return t;
          });

  private final NetnsName netns;
  private final Duration timeout;
  private final AtomicLong spawned = new AtomicLong();

  /** {@code netns} null: the current namespace. */
  public ProcessCommandRunner(NetnsName netns, Duration timeout) {
    this.netns = netns;
    this.timeout = timeout;
  }

  @Override
  public String run(Tool tool, Set<Option> options, CommandLine command)
      throws KernelCommandException {
    List<String> argv = prefix(tool, options);
    argv.addAll(command.argv());
    Output out = exec(argv, null);
    if (out.exit != 0) {
      throw new KernelCommandException(tool.path() + " " + command, out.exit, firstLine(out.err));
    }
    return out.out;
  }

  @Override
  public BatchResult batch(Tool tool, Set<Option> options, List<CommandLine> lines)
      throws KernelCommandException {
    if (lines.isEmpty()) {
      return new BatchResult("", Map.of());
    }
    List<String> argv = prefix(tool, options);
    argv.addAll(List.of("-force", "-batch", "-"));
    StringBuilder input = new StringBuilder();
    for (CommandLine l : lines) {
      input.append(l.batchLine()).append('\n');
    }
    Output out = exec(argv, input.toString());
    Map<Integer, String> failed = failedLines(out.err);
    if (out.exit != 0 && failed.isEmpty()) {
      throw new KernelCommandException(tool.path() + " -batch", out.exit, firstLine(out.err));
    }
    return new BatchResult(out.out, failed);
  }

  @Override
  public Process start(Tool tool, CommandLine command) throws KernelCommandException {
    List<String> argv = prefix(tool, Set.of());
    argv.addAll(command.argv());
    try {
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      spawned.incrementAndGet();
      return p;
    } catch (IOException e) {
      throw new KernelCommandException(String.join(" ", argv), -1, String.valueOf(e.getMessage()));
    }
  }

  @Override
  public long processesSpawned() {
    return spawned.get();
  }

  private List<String> prefix(Tool tool, Set<Option> options) {
    List<String> argv = new ArrayList<>();
    argv.add(tool.path());
    if (netns != null) {
      argv.add("-n");
      argv.add(netns.value());
    }
    for (Option o : Option.values()) {
      if (options.contains(o)) {
        argv.add(o.flag());
      }
    }
    return argv;
  }

  /**
   * Parses iproute2's batch diagnostics: the error text, then {@code Command failed -:N}. The first
   * non-empty line after the previous marker is kept as the reason (the kernel's own message).
   */
  static Map<Integer, String> failedLines(String stderr) {
    Map<Integer, String> failed = new HashMap<>();
    String reason = "";
    for (String line : stderr.split("\n")) {
      Matcher m = FAILED_LINE.matcher(line);
      if (m.find()) {
        failed.put(Integer.parseInt(m.group(1)), reason);
        reason = "";
      } else if (!line.isBlank() && reason.isEmpty()) {
        reason = line.strip();
      }
    }
    return failed;
  }

  private record Output(int exit, String out, String err) {}

  private Output exec(List<String> argv, String stdin) throws KernelCommandException {
    String shown = String.join(" ", argv);
    Process p;
    try {
      p = new ProcessBuilder(argv).start();
    } catch (IOException e) {
      throw new KernelCommandException(shown, -1, String.valueOf(e.getMessage()));
    }
    spawned.incrementAndGet();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The tool exited early; its exit code and stderr tell why.
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new KernelCommandException(shown, -1, "timed out after " + timeout);
      }
      return new Output(p.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new KernelCommandException(shown, -1, "interrupted");
    } catch (ExecutionException e) {
      throw new KernelCommandException(shown, -1, String.valueOf(e.getCause()));
    }
  }

  private static CompletableFuture<String> drain(InputStream s) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        DRAINERS);
  }

  private static String firstLine(String text) {
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        return line.strip();
      }
    }
    return "";
  }
}
