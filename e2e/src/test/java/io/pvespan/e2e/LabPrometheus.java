package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.lab.Await;
import io.pvespan.lab.LabCluster;
import io.pvespan.lab.LabHttp;
import io.pvespan.lab.LabNode;
import io.pvespan.lab.LabTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's Prometheus ({@code /usr/bin/prometheus}) in the lab's controller namespace, scraping
 * every agent (job {@code pvespan-agent}) and the controller (job {@code pvespan-controller}) each
 * second and evaluating {@code rules} each second. The lab stops it when it closes; its TSDB and
 * config live under {@code dir}, its log in the lab's logs.
 */
final class LabPrometheus {
  static final Path BINARY = Path.of("/usr/bin/prometheus");
  static final int PORT = 9090;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String ns;

  private LabPrometheus(String ns) {
    this.ns = ns;
  }

  static LabPrometheus start(LabSystem sys, Path rules, Path dir) throws IOException {
    assertThat(BINARY)
        .as("prometheus (apt-get install prometheus: Debian's package)")
        .isExecutable();
    LabTopology topology = sys.lab.topology();
    List<String> agents = new ArrayList<>();
    for (LabNode n : topology.nodes()) {
      agents.add("\"" + n.address() + ":" + LabCluster.AGENT_PORT + "\"");
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "  evaluation_interval: 1s",
            "rule_files:",
            "  - " + rules.toAbsolutePath(),
            "scrape_configs:",
            "  - job_name: pvespan-agent",
            // The agents serve HTTPS with the lab CA's certificates (mutual TLS for plans;
            // /metrics needs no client certificate).
            "    scheme: https",
            "    tls_config:",
            "      ca_file: " + sys.cluster.pki().ca().toAbsolutePath(),
            "    static_configs:",
            "      - targets: [" + String.join(", ", agents) + "]",
            "  - job_name: pvespan-controller",
            "    static_configs:",
            "      - targets: [\""
                + LabTopology.CONTROLLER_ADDRESS
                + ":"
                + LabCluster.CONTROLLER_PORT
                + "\"]",
            ""));
    sys.lab.startIn(
        topology.controllerNs(),
        List.of(
            BINARY.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + dir.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + PORT),
        sys.cluster.log("prometheus"));
    LabPrometheus p = new LabPrometheus(topology.controllerNs());
    Await.orFail(
        Duration.ofSeconds(60),
        () -> p.get("/-/ready").ok(),
        () -> "prometheus not ready: " + LabCluster.tail(sys.cluster.log("prometheus")));
    return p;
  }

  LabHttp.Response get(String path) {
    return LabHttp.get(ns, "http://127.0.0.1:" + PORT + path, null);
  }

  /** {@code GET /api/v1/...}'s {@code data}, failing unless the status is {@code success}. */
  JsonNode api(String path) {
    LabHttp.Response r = get("/api/v1/" + path);
    try {
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("status").asText())
          .as("GET /api/v1/" + path + ": " + r.body())
          .isEqualTo("success");
      return body.path("data");
    } catch (IOException e) {
      throw new UncheckedIOException("GET /api/v1/" + path + ": " + r.status() + " " + r.body(), e);
    }
  }

  /** An instant query's result vector. */
  JsonNode query(String promql) {
    return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
  }

  /** The state ({@code pending}, {@code firing}) of the alert with these labels, or null. */
  String alertState(String alertname, String label, String value) {
    for (JsonNode a : api("alerts").path("alerts")) {
      JsonNode l = a.path("labels");
      if (alertname.equals(l.path("alertname").asText()) && value.equals(l.path(label).asText())) {
        return a.path("state").asText();
      }
    }
    return null;
  }

  /** Scrape targets by health: {@code up} when every target answered its last scrape. */
  List<String> targetsNotUp() {
    List<String> out = new ArrayList<>();
    for (JsonNode t : api("targets?state=active").path("activeTargets")) {
      if (!"up".equals(t.path("health").asText())) {
        out.add(
            t.path("scrapeUrl").asText()
                + " "
                + t.path("health").asText()
                + " "
                + t.path("lastError").asText());
      }
    }
    return out;
  }

  int targets() {
    return api("targets?state=active").path("activeTargets").size();
  }
}
