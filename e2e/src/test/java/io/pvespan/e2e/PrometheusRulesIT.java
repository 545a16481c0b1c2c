package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Exec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our alert rules and scrape example pass Debian's {@code promtool}: the syntax ({@code check}) and
 * the behaviour ({@code test rules}: which alert fires when, in {@code pvespan.rules.test.yml}). No
 * promtool is a failure, not a skip: CI installs the {@code prometheus} package.
 */
class PrometheusRulesIT {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  private static final Path RULES_DIR =
      Path.of(System.getProperty("pvespan.home", "..")).resolve("deploy/prometheus");

  private static Exec.Result promtool(String... args) {
    assertThat(PROMTOOL)
        .as("promtool (apt-get install prometheus: Debian's package)")
        .isExecutable();
    List<String> argv = new java.util.ArrayList<>(List.of(PROMTOOL.toString()));
    argv.addAll(List.of(args));
    return Exec.attempt(Duration.ofSeconds(60), argv);
  }

  private static void assertPasses(Exec.Result r) {
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
  }

  @Test
  void rulesPassPromtoolCheck() {
    Exec.Result r = promtool("check", "rules", RULES_DIR.resolve("pvespan.rules.yml").toString());
    assertPasses(r);
    assertThat(r.stdout()).contains("SUCCESS: 11 rules found");
  }

  @Test
  void rulesFireWhenTheirUnitTestsSay() {
    assertPasses(promtool("test", "rules", RULES_DIR.resolve("pvespan.rules.test.yml").toString()));
  }

  @Test
  void theScrapeExamplePassesWithOurRules() throws IOException {
    String example = Files.readString(RULES_DIR.resolve("prometheus.example.yml"));
    assertThat(example).contains("/etc/prometheus/pvespan.rules.yml");
    Path copy = Files.createTempFile("prometheus-", ".yml");
    try {
      Files.writeString(
          copy,
          example.replace(
              "/etc/prometheus/pvespan.rules.yml",
              RULES_DIR.resolve("pvespan.rules.yml").toAbsolutePath().toString()));
      assertPasses(promtool("check", "config", copy.toString()));
    } finally {
      Files.deleteIfExists(copy);
    }
  }
}
