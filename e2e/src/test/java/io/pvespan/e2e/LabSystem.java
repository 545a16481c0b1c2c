package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Inventory;
import io.pvespan.lab.Lab;
import io.pvespan.lab.LabCluster;
import io.pvespan.lab.LabInventory;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.LabPreflight;
import io.pvespan.lab.LabTeardown;
import io.pvespan.lab.LabTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One E2E test's system: a fresh lab ({@code psple} + random suffix), the stand-in, three agents
 * and the controller from the jars the reactor built, polling every second, with the specs of
 * {@link E2ESpecs}. {@link #close} tears everything down (also when the test failed) and keeps the
 * process logs under {@code e2e/target/e2e-logs/<prefix>/}.
 */
final class LabSystem implements AutoCloseable {
  static final Duration POLL = Duration.ofSeconds(1);

  final String prefix = LabTopology.randomPrefix("psple");
  final Path work;
  final E2ESpecs specs;
  final Lab lab;
  final LabCluster cluster;
  Inventory inventory;

  LabSystem() throws IOException {
    // An E2E test that cannot run must fail loudly, never skip.
    assertThat(LabPreflight.problem()).as("lab preflight").isNull();
    inventory = LabInventory.sample(Path.of(property("pvespan.home")));
    work = Files.createTempDirectory("pvespan-e2e-");
    specs = new E2ESpecs(work.resolve("specs"));
    specs.writeDefaults();
    lab = Lab.up(LabTopology.threeNodes(prefix));
    try {
      var options =
          new LabCluster.Options(
              jar("pvespan.controllerJar"),
              jar("pvespan.agentJar"),
              jar("pvespan.labJar"),
              work,
              specs.dir(),
              POLL);
      cluster =
          LabCluster.start(lab, inventory, options, line -> System.out.println("[e2e] " + line));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The plan the controller must reach for the current specs and inventory. */
  LabPlan plan() {
    return cluster.plan(inventory);
  }

  @Override
  public void close() throws IOException {
    try {
      lab.close();
    } finally {
      keepLogs();
    }
    assertThat(LabTeardown.namespaces(prefix)).as("namespaces left behind").isEmpty();
  }

  private void keepLogs() throws IOException {
    Path logs = work.resolve("logs");
    Path keep = Path.of("target", "e2e-logs", prefix);
    if (Files.isDirectory(logs)) {
      Files.createDirectories(keep);
      try (Stream<Path> files = Files.list(logs)) {
        for (Path f : files.toList()) {
          Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    try (Stream<Path> all = Files.walk(work)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path jar(String name) {
    Path jar = Path.of(property(name));
    assertThat(jar).as(name).isRegularFile();
    return jar;
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertThat(value).as("system property " + name + " (set by e2e/pom.xml)").isNotNull();
    return value;
  }
}
