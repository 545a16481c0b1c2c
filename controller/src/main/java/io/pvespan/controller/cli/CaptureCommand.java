package io.pvespan.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.controller.config.Durations;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan capture --session NAME [--vm ID] [--filter EXPR] [--duration 30s] [--bytes 100M]
 * > x.pcap}: the live traffic of a session's guests (or of one of them) as pcap on stdout, through
 * the controller, from whichever nodes they run on, following live migrations. The sensor's feed is
 * not touched. Runs on the controller's host (the controller serves captures to loopback clients
 * only).
 */
@picocli.CommandLine.Command(
    name = "capture",
    description = {
      "live pcap of a session's (or one VM's) traffic, through the controller",
      "",
      "Writes pcap to stdout: redirect it to a file or pipe it into tshark/Wireshark"
          + " (./pvespan capture --session web --vm 101 | tshark -r -). Follows a VM that"
          + " live-migrates (--vm: from the moment its new tap exists). Does not change what the"
          + " sensor receives. Exit 0 when the capture ended (duration or byte limit, or the reader"
          + " closed the pipe); 1 with one line on stderr (unknown session, a VM not in it, the"
          + " controller unreachable, stdout a terminal); 2 for usage errors."
    })
public final class CaptureCommand implements Command, Callable<Integer> {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kKmMgG]?)");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--controller",
      paramLabel = "URL",
      defaultValue = StatusCommand.DEFAULT_CONTROLLER,
      description = "the controller's API (default: ${DEFAULT-VALUE})")
  String controller;

  @Option(names = "--session", paramLabel = "NAME", required = true, description = "the session")
  String session;

  @Option(names = "--vm", paramLabel = "ID", description = "only this guest of the session")
  Integer vm;

  @Option(
      names = "--filter",
      paramLabel = "EXPR",
      description = "a pcap filter expression, e.g. 'udp port 53' (applied on the nodes)")
  String filter;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      defaultValue = "30s",
      description = "stop after this long: 500ms, 30s, 5m, 1h at most (default: ${DEFAULT-VALUE})")
  String duration;

  @Option(
      names = "--bytes",
      paramLabel = "SIZE",
      defaultValue = "100M",
      description = "stop after this much pcap: 500k, 100M, 1G at most (default: ${DEFAULT-VALUE})")
  String bytes;

  private final Supplier<OutputStream> stdout;

  /** {@code stdout}: where the pcap goes (the process's standard output in production). */
  public CaptureCommand(Supplier<OutputStream> stdout) {
    this.stdout = stdout;
  }

  public CaptureCommand() {
    this(() -> System.out);
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Duration d = Durations.parse(duration);
    if (d == null || d.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--duration '" + duration + "' is not like 500ms, 30s, 5m or 1h");
    }
    long limit = size(bytes);
    URI base = base();
    if (stdoutIsTerminal()) {
      err.println(
          "pvespan capture: stdout is a terminal; redirect it to a file (> x.pcap) or a pipe"
              + " (| tshark -r -)");
      return 1;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("session", session);
    if (vm != null) {
      body.put("vm", vm);
    }
    if (filter != null) {
      body.put("filter", filter);
    }
    body.put("seconds", Math.max(1, (d.toMillis() + 999) / 1000));
    body.put("bytes", limit);
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    String id;
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(base.resolve("v1/captures"))
                  .timeout(TIMEOUT)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(PlanJson.write(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = json(r.body());
      if (r.statusCode() != 201) {
        err.println("pvespan capture: " + answer.path("error").asText("HTTP " + r.statusCode()));
        return 1;
      }
      id = answer.path("id").asText();
      StringBuilder where = new StringBuilder();
      answer
          .path("targets")
          .forEach(
              t ->
                  where
                      .append(where.length() == 0 ? "" : ", ")
                      .append(t.path("node").asText())
                      .append(' ')
                      .append(t.path("device").asText()));
      err.println("pvespan capture: capturing " + session + " on " + where + " for " + duration);
    } catch (IOException e) {
      err.println("pvespan capture: cannot reach the controller at " + controller + ": " + why(e));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    Thread cancelOnExit = new Thread(() -> cancel(http, base, id), "pvespan-capture-cancel");
    Runtime.getRuntime().addShutdownHook(cancelOnExit);
    try {
      return stream(http, base, id, err);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(cancelOnExit);
      } catch (IllegalStateException e) {
        // already shutting down: the hook cancels
      }
    }
  }

  private int stream(HttpClient http, URI base, String id, PrintWriter err) {
    OutputStream out = stdout.get();
    long from = 0;
    int failures = 0;
    while (true) {
      HttpResponse<byte[]> r;
      try {
        r =
            http.send(
                HttpRequest.newBuilder(base.resolve("v1/captures/" + id + "?from=" + from))
                    .timeout(TIMEOUT)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        if (++failures >= 5) {
          err.println("pvespan capture: lost the controller: " + why(e));
          return 1;
        }
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 1;
      }
      failures = 0;
      if (r.statusCode() != 200) {
        err.println(
            "pvespan capture: "
                + json(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .path("error")
                    .asText("HTTP " + r.statusCode()));
        return 1;
      }
      long offset = Long.parseLong(r.headers().firstValue("X-Capture-Offset").orElse("0"));
      byte[] chunk = r.body();
      try {
        out.write(chunk);
        out.flush();
      } catch (IOException e) {
        cancel(http, base, id); // the reader is gone (tshark -c N, head): a normal end
        return 0;
      }
      from = offset + chunk.length;
      if (r.headers().firstValue("X-Capture-State").orElse("").equals("ended")) {
        err.println(
            "pvespan capture: ended: " + r.headers().firstValue("X-Capture-Reason").orElse(""));
        return 0;
      }
    }
  }

  private static void cancel(HttpClient http, URI base, String id) {
    try {
      http.send(
          HttpRequest.newBuilder(base.resolve("v1/captures/" + id))
              .timeout(Duration.ofSeconds(2))
              .DELETE()
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // the controller stops a capture nobody reads within seconds
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private URI base() {
    try {
      URI u = URI.create(controller.endsWith("/") ? controller : controller + "/");
      if (u.getHost() == null || !u.getScheme().matches("https?")) {
        throw new IllegalArgumentException();
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--controller '" + controller + "' is not an http(s)://HOST:PORT URL");
    }
  }

  private long size(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new ParameterException(
          spec.commandLine(), "--bytes '" + text + "' is not like 500k, 100M or 1G");
    }
    long n = Long.parseLong(m.group(1));
    long mult =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 1L << 10;
          case "m" -> 1L << 20;
          case "g" -> 1L << 30;
          default -> 1;
        };
    if (n <= 0 || n > (1L << 30) / mult) {
      throw new ParameterException(
          spec.commandLine(), "--bytes '" + text + "' must be more than 0 and at most 1G");
    }
    return n * mult;
  }

  /** Production stdout on a terminal: binary pcap would garble it. */
  private boolean stdoutIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString();
      return stdout.get() == System.out
          && (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty"));
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null && stdout.get() == System.out;
    }
  }

  private static JsonNode json(String body) {
    try {
      JsonNode n = PlanJson.MAPPER.readTree(body);
      return n == null ? PlanJson.MAPPER.createObjectNode() : n;
    } catch (IOException e) {
      return PlanJson.MAPPER.createObjectNode();
    }
  }

  private static String why(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
