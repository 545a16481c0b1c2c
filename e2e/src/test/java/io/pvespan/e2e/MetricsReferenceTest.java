package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.pvespan.agent.api.AgentMetricsReference;
import io.pvespan.controller.api.ControllerMetricsReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/metrics.md} is rendered from both processes' collectors (the code that answers {@code
 * /metrics}), and the alert rules and dashboard use only metrics that exist. Regenerate the file
 * with {@link #REGENERATE}.
 */
class MetricsReferenceTest {
  static final String REGENERATE =
      "mvn -B -o -q verify -pl e2e -am -DskipITs -Dtest=MetricsReferenceTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dpvespan.writeMetricsDoc=true";

  private static final Path HOME = Path.of(System.getProperty("pvespan.home", ".."));
  private static final Path DOC = HOME.resolve("docs/metrics.md");

  @Test
  void docsMetricsMdIsWhatTheCollectorsExpose() throws IOException {
    String rendered = render();
    if (Boolean.getBoolean("pvespan.writeMetricsDoc")) {
      Files.writeString(DOC, rendered);
    }
    assertThat(DOC).as("docs/metrics.md exists; create it with: " + REGENERATE).isRegularFile();
    assertThat(Files.readString(DOC))
        .as("docs/metrics.md differs from the collectors; regenerate it with: " + REGENERATE)
        .isEqualTo(rendered);
  }

  @Test
  void rulesAndDashboardUseOnlyMetricsThatExist() throws IOException {
    Set<String> exposed = new TreeSet<>();
    for (MetricSnapshots all :
        java.util.List.of(AgentMetricsReference.sample(), ControllerMetricsReference.sample())) {
      all.forEach(m -> exposed.addAll(seriesNames(m)));
    }
    for (String file :
        java.util.List.of(
            "deploy/prometheus/pvespan.rules.yml", "deploy/grafana/pvespan-dashboard.json")) {
      String text = Files.readString(HOME.resolve(file));
      Matcher used = Pattern.compile("pvespan_[a-z_]+").matcher(text);
      Set<String> names = new TreeSet<>();
      while (used.find()) {
        names.add(used.group());
      }
      assertThat(names).as(file + " uses metrics").isNotEmpty();
      assertThat(exposed).as(file + ": metrics it names").containsAll(names);
    }
  }

  /** The series names a metric is scraped as (counters end in _total, summaries add _sum...). */
  private static Set<String> seriesNames(MetricSnapshot m) {
    String name = m.getMetadata().getPrometheusName();
    if (m instanceof CounterSnapshot) {
      return Set.of(name + "_total");
    }
    if (m instanceof SummarySnapshot) {
      return Set.of(name, name + "_count", name + "_sum");
    }
    return Set.of(name);
  }

  static String render() {
    StringBuilder md = new StringBuilder();
    md.append("# Metrics reference\n\n");
    md.append("<!-- Generated from the collectors by e2e/.../MetricsReferenceTest: do not edit.\n");
    md.append("     Regenerate: ").append(REGENERATE).append(" -->\n\n");
    md.append(
        "Every metric the agent and the controller expose on `GET /metrics` (Prometheus text"
            + " format 0.0.4, or\nOpenMetrics when asked). Prometheus adds `job` and `instance`"
            + " to every series; the alert rules in\n`deploy/prometheus/pvespan.rules.yml` expect"
            + " the jobs `pvespan-agent` and `pvespan-controller`\n(see"
            + " `deploy/prometheus/prometheus.example.yml`). A Grafana dashboard using them is"
            + "\n`deploy/grafana/pvespan-dashboard.json`.\n\n");
    section(
        md,
        "Agent (`pvespan agent`, on every node)",
        "Counters count since the agent started; the per-session byte and packet counters never go"
            + " down while it runs\n(filters re-created by Proxmox or a migration are carried"
            + " over).",
        AgentMetricsReference.sample());
    section(
        md,
        "Controller (`pvespan controller`)",
        "Per-node series carry `node`, per-session series `session`; they describe the"
            + " controller's view (the last\nstatus it read from each agent).",
        ControllerMetricsReference.sample());
    return md.toString();
  }

  private static void section(StringBuilder md, String title, String intro, MetricSnapshots all) {
    md.append("## ").append(title).append("\n\n").append(intro).append("\n\n");
    md.append("| Metric | Type | Labels | Help |\n|---|---|---|---|\n");
    TreeMap<String, String> rows = new TreeMap<>();
    for (MetricSnapshot m : all) {
      String name = m.getMetadata().getPrometheusName();
      String type =
          m instanceof CounterSnapshot
              ? "counter"
              : m instanceof SummarySnapshot ? "summary (`_count`, `_sum`)" : "gauge";
      String shown = m instanceof CounterSnapshot ? name + "_total" : name;
      Set<String> labels = new TreeSet<>();
      m.getDataPoints().forEach(p -> p.getLabels().forEach(l -> labels.add(l.getName())));
      rows.put(
          shown,
          "| `"
              + shown
              + "` | "
              + type
              + " | "
              + String.join(", ", labels.stream().map(l -> "`" + l + "`").toList())
              + " | "
              + m.getMetadata().getHelp().replace("|", "\\|")
              + " |\n");
    }
    rows.values().forEach(md::append);
    md.append("\n");
  }
}
