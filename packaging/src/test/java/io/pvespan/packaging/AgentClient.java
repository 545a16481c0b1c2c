package io.pvespan.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's HTTPS API as the controller uses it, from the host into the machine's network
 * namespace ({@code ip netns exec NS curl}), trusting the agent's certificate and sending the
 * bearer token.
 */
final class AgentClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String netns;
  private final String url;
  private final Path ca;
  private final String token;
  private final Path cert;
  private final Path key;

  /** {@code cert}, {@code key}: the controller's client certificate (mutual TLS). */
  AgentClient(String netns, String url, Path ca, String token, Path cert, Path key) {
    this.netns = netns;
    this.url = url;
    this.ca = ca;
    this.token = token;
    this.cert = cert;
    this.key = key;
  }

  /** {@code GET path}: the answer's HTTP status and body. */
  Cmd.Result get(String path) {
    return curl(path, List.of());
  }

  JsonNode getJson(String path) {
    try {
      return JSON.readTree(get(path).ok().out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code PUT path} with a JSON body; the answer's body, or an AssertionError on an error code.
   */
  String put(String path, String json) {
    try {
      Path body = Files.createTempFile("pvespan-plan", ".json");
      try {
        Files.writeString(body, json);
        return curl(path, List.of("-X", "PUT", "--data-binary", "@" + body)).ok().out();
      } finally {
        Files.delete(body);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Cmd.Result curl(String path, List<String> extra) {
    List<String> argv = new ArrayList<>();
    argv.addAll(List.of("ip", "netns", "exec", netns, "curl", "-sS", "--fail-with-body"));
    argv.addAll(List.of("--max-time", "10", "--cacert", ca.toString()));
    argv.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
    argv.addAll(List.of("-H", "Authorization: Bearer " + token));
    argv.addAll(List.of("-H", "Content-Type: application/json"));
    argv.addAll(extra);
    argv.add(url + path);
    return Cmd.run(Duration.ofSeconds(20), argv);
  }
}
