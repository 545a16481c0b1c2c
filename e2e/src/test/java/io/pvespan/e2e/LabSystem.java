package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.Inventory;
import io.pvespan.lab.Lab;
import io.pvespan.lab.LabCluster;
import io.pvespan.lab.LabInventory;
import io.pvespan.lab.LabLifecycle;
import io.pvespan.lab.LabPlan;
import io.pvespan.lab.LabPreflight;
import io.pvespan.lab.LabTeardown;
import io.pvespan.lab.LabTopology;
import io.pvespan.lab.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One E2E test's system: a fresh lab ({@code psple} + random suffix), the stand-in, three agents
 * and the controller from the jars the reactor built, polling every second (or at the controller's
 * defaults, see {@link Setup}), with the specs of {@link E2ESpecs}. {@link #close} tears everything
 * down (also when the test failed) and keeps the process logs under {@code
 * e2e/target/e2e-logs/<prefix>/}. {@link #lifecycle} changes guests the way Proxmox does.
 */
final class LabSystem implements AutoCloseable {
  static final Duration POLL = Duration.ofSeconds(1);

  /**
   * How a test's system differs from the standard one.
   *
   * @param poll the controller's poll (and status) interval; null: the controller's defaults (poll
   *     10 s, status 1 s), as installed on a real cluster
   * @param moves guests whose lab VM and stand-in entry start on another node (vmid to node)
   * @param extraSpecs spec files added to {@link E2ESpecs#writeDefaults} (file name to content)
   * @param git the controller pulls the specs from a local bare Git repository ({@link #repo}, the
   *     spec directory its author's working tree) instead of reading the directory
   * @param examples the spec directory holds {@code crds-like-specs/examples} instead of {@link
   *     E2ESpecs#writeDefaults}, and every guest NIC has the MAC of its config, as QEMU and LXC set
   *     it (the other tests keep random MACs: their byte ledgers count a packet once per source
   *     NIC, which exclusions by MAC would undercut)
   * @param haCheckIn non-null: a PostgreSQL ({@link #pg}) in the controller's namespace and the
   *     controller configured with {@code ha:} and this check-in interval
   */
  record Setup(
      Duration poll,
      Map<Integer, String> moves,
      Map<String, String> extraSpecs,
      boolean git,
      boolean examples,
      Duration haCheckIn,
      Duration canaryInterval) {
    Setup(
        Duration poll,
        Map<Integer, String> moves,
        Map<String, String> extraSpecs,
        boolean git,
        boolean examples,
        Duration haCheckIn) {
      this(poll, moves, extraSpecs, git, examples, haCheckIn, null);
    }

    /** The agents send canaries every {@code interval} (otherwise none: exact sensor ledgers). */
    Setup withCanaries(Duration interval) {
      return new Setup(poll, moves, extraSpecs, git, examples, haCheckIn, interval);
    }

    Setup(Duration poll, Map<Integer, String> moves, Map<String, String> extraSpecs) {
      this(poll, moves, extraSpecs, false, false, null);
    }

    Setup(Duration poll, Map<Integer, String> moves, Map<String, String> extraSpecs, boolean git) {
      this(poll, moves, extraSpecs, git, false, null);
    }

    /** The example specs, guests with their configured MACs. */
    static Setup withExamples() {
      return new Setup(POLL, Map.of(), Map.of(), false, true, null);
    }

    /** Controllers in high availability on a PostgreSQL the lab starts ({@code ha:}). */
    Setup withHa(Duration checkIn) {
      return new Setup(poll, moves, extraSpecs, git, examples, checkIn, canaryInterval);
    }

    static Setup standard() {
      return new Setup(POLL, Map.of(), Map.of());
    }

    /** The controller as installed: default poll interval. */
    static Setup controllerDefaults() {
      return new Setup(null, Map.of(), Map.of());
    }

    Setup moving(int vmid, String node) {
      Map<Integer, String> m = new TreeMap<>(moves);
      m.put(vmid, node);
      return new Setup(poll, m, extraSpecs, git, examples, haCheckIn, canaryInterval);
    }

    Setup withSpec(String file, String content) {
      Map<String, String> m = new TreeMap<>(extraSpecs);
      m.put(file, content);
      return new Setup(poll, moves, m, git, examples, haCheckIn, canaryInterval);
    }

    /** Specs from a Git repository ({@code specs.git}, polled every {@link #POLL}). */
    Setup fromGit() {
      return new Setup(poll, moves, extraSpecs, true, examples, haCheckIn, canaryInterval);
    }
  }

  /** PostgreSQL's port in the controller's namespace ({@link Setup#haCheckIn}). */
  static final int PG_PORT = 5432;

  final String prefix = LabTopology.randomPrefix("psple");
  final Path work;
  final E2ESpecs specs;
  final Lab lab;
  final LabCluster cluster;
  final LabLifecycle lifecycle;

  /** The spec repository ({@link Setup#git}), null when the controller reads the directory. */
  final SpecRepo repo;

  /** The controllers' database ({@link Setup#haCheckIn}), else null. */
  PostgresServer pg;

  Inventory inventory;

  LabSystem() throws IOException {
    this(Setup.standard());
  }

  LabSystem(Setup setup) throws IOException {
    // An E2E test that cannot run must fail loudly, never skip.
    assertThat(LabPreflight.problem()).as("lab preflight").isNull();
    inventory = LabInventory.sample(Path.of(property("pvespan.home")));
    LabTopology topology = LabTopology.threeNodes(prefix);
    for (var move : setup.moves().entrySet()) {
      inventory = LabPlan.moved(inventory, move.getKey(), move.getValue());
      topology =
          new LabTopology(
              prefix,
              topology.nodes(),
              topology.vms().stream()
                  .map(v -> v.vmid() == move.getKey() ? v.on(move.getValue()) : v)
                  .toList());
    }
    work = Files.createTempDirectory("pvespan-e2e-");
    specs = new E2ESpecs(work.resolve("specs"));
    if (setup.examples()) {
      specs.copyFrom(Path.of(property("pvespan.home"), "crds-like-specs", "examples"));
    } else {
      specs.writeDefaults();
    }
    for (var spec : setup.extraSpecs().entrySet()) {
      specs.write(spec.getKey(), spec.getValue());
    }
    repo = setup.git() ? SpecRepo.create(work.resolve("specs.git"), specs.dir()) : null;
    if (repo != null) {
      repo.commitAndPush("E2E specs");
    }
    lab = Lab.up(topology);
    try {
      if (setup.examples()) {
        lab.useConfigMacs(inventory);
      }
      var options =
          new LabCluster.Options(
              jar("pvespan.controllerJar"),
              jar("pvespan.agentJar"),
              jar("pvespan.labJar"),
              work,
              specs.dir(),
              setup.poll());
      if (setup.canaryInterval() != null) {
        options = options.withCanaryInterval(setup.canaryInterval());
      }
      if (repo != null) {
        options = options.withSpecsGit(new LabCluster.GitSpecs(repo.url(), SpecRepo.BRANCH, POLL));
      }
      if (setup.haCheckIn() != null) {
        pg =
            PostgresServer.start(
                lab.topology().controllerNs(), LabTopology.CONTROLLER_ADDRESS, PG_PORT);
        options =
            options.withHa(
                new LabCluster.Ha(
                    pg.jdbcUrl(), PostgresServer.USER, pg.password(), setup.haCheckIn()));
      }
      cluster =
          LabCluster.start(lab, inventory, options, line -> System.out.println("[e2e] " + line));
      lifecycle = new LabLifecycle(cluster, inventory);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The plan for what the stand-in serves after the lifecycle's changes. */
  LabPlan lifecyclePlan() {
    return cluster.plan(lifecycle.inventory());
  }

  /** The plan the controller must reach for the current specs and inventory. */
  LabPlan plan() {
    return cluster.plan(inventory);
  }

  @Override
  public void close() throws IOException {
    if (repo != null) {
      repo.close();
    }
    try {
      lab.close();
    } finally {
      try {
        if (pg != null) {
          Files.copy(
              pg.log(),
              work.resolve("logs").resolve("postgres.log"),
              StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        // no log to keep
      } finally {
        if (pg != null) {
          pg.close();
        }
        keepLogs();
      }
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
