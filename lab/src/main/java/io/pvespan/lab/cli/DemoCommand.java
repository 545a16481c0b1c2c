package io.pvespan.lab.cli;

import io.pvespan.inventory.Inventory;
import io.pvespan.lab.DemoScenario;
import io.pvespan.lab.Exec;
import io.pvespan.lab.JarProcess;
import io.pvespan.lab.Lab;
import io.pvespan.lab.LabCluster;
import io.pvespan.lab.LabException;
import io.pvespan.lab.LabInventory;
import io.pvespan.lab.LabPreflight;
import io.pvespan.lab.LabTeardown;
import io.pvespan.lab.LabTopology;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan demo [--keep | --down]}: the whole system on this machine. As root it builds the
 * 3-node lab ({@code test-fixtures/lab/README.md}, namespaces {@code pspl-*}), starts the Proxmox
 * API stand-in, one agent per node and the controller with {@code crds-like-specs/examples}, sends
 * traffic for a local and a cross-node session, live-migrates a VM and back, prints bytes sent
 * against bytes at the sensor, and tears everything down on exit and on Ctrl-C. Not root: says why
 * and shows {@code plan} on the sample inventory instead.
 *
 * <p>The demo's own process stays in the root namespace and owns the lab and its teardown; it
 * reaches the controller, the stand-in and the agents (which listen on lab addresses only) by
 * running {@code curl} and {@code ./pvespan status} inside the controller namespace.
 */
@Command(
    name = "demo",
    description = {
      "the whole system in a 3-node lab of network namespaces (root)",
      "",
      "As root: builds the lab (namespaces pspl-*), starts the Proxmox API stand-in, an agent per"
          + " node and the controller with crds-like-specs/examples, sends traffic, live-migrates"
          + " a VM and back, prints bytes sent against bytes at the sensor, and tears it all down"
          + " (also on Ctrl-C). Not root: says why and shows ./pvespan plan on the sample"
          + " inventory instead."
    })
final class DemoCommand implements Callable<Integer> {
  static final String PREFIX = "pspl";
  private static final Duration POLL = Duration.ofSeconds(2);

  @Spec CommandSpec spec;

  /** The demo scenario's own reports, as they happen. */
  private final PrintStream report;

  DemoCommand(PrintStream report) {
    this.report = report;
  }

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  @Option(names = "--keep", description = "leave the lab running for poking (see --down)")
  boolean keep;

  @Option(names = "--down", description = "remove a lab left by --keep, then exit")
  boolean down;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (keep && down) {
      throw new ParameterException(spec.commandLine(), "--keep and --down exclude each other");
    }
    if (down) {
      return down(out, err);
    }
    Path home = Path.of(System.getProperty("pvespan.home", ".")).toAbsolutePath().normalize();
    String problem = LabPreflight.problem();
    if (problem != null) {
      return instead(home, problem, out, err);
    }
    return demo(home, keep, out, err);
  }

  private int demo(Path home, boolean keep, PrintWriter out, PrintWriter err) {
    Path specs = home.resolve("crds-like-specs/examples");
    Path work = home.resolve("lab-run/demo");
    LabTopology topology = LabTopology.threeNodes(PREFIX);
    out.println(
        "[demo] building the lab: nodes "
            + PREFIX
            + "-pve1..3 on underlay 198.18.0.0/24, VMs 101 102 103 200 201, controller host "
            + topology.controllerNs()
            + " (Ctrl-C tears it all down)");
    Lab lab = null;
    try {
      Files.createDirectories(work);
      // Guest offloads on, as real virtio guests have them: the demo compares bytes.
      lab = Lab.up(topology, true);
      Inventory inventory = LabInventory.sample(home);
      LabCluster cluster =
          LabCluster.start(
              lab,
              inventory,
              LabCluster.Options.fromHome(home, work, specs, POLL),
              line -> out.println("[demo] " + line));
      new DemoScenario(cluster, inventory, report).run();
      out.println("[demo] done");
      return 0;
    } catch (LabException e) {
      err.println("[demo] failed: " + e.getMessage() + " (logs in " + work.resolve("logs") + ")");
      return 1;
    } catch (java.io.IOException e) {
      err.println("[demo] cannot create " + work + ": " + e.getMessage());
      return 1;
    } finally {
      if (lab != null && keep) {
        lab.keep();
        out.println(
            "[demo] lab kept: ip netns list | grep "
                + PREFIX
                + "-; logs in "
                + work.resolve("logs")
                + "; remove with ./pvespan demo --down");
      } else if (lab != null) {
        lab.close();
        out.println("[demo] lab torn down: no " + PREFIX + "-* namespace left");
      }
    }
  }

  private static int down(PrintWriter out, PrintWriter err) {
    String problem = LabPreflight.problem();
    if (problem != null) {
      err.println("pvespan demo --down: " + problem);
      return 1;
    }
    int removed = LabTeardown.removeAll(PREFIX);
    out.println("[demo] removed " + removed + " lab namespaces (" + PREFIX + "-*)");
    return 0;
  }

  /** Not root (or a tool missing): say why in one line, then show the plan the lab would run. */
  private static int instead(Path home, String problem, PrintWriter out, PrintWriter err) {
    out.println("[demo] cannot build the lab: " + problem + "; showing the plan instead:");
    Path controllerJar = home.resolve("controller/target/pvespan-controller.jar");
    if (!Files.isRegularFile(controllerJar)) {
      err.println(
          "[demo] " + controllerJar + " is missing: build it (./pvespan builds on first use)");
      return 1;
    }
    // The controller's own plan command, as a process: the lab does not link to the controller.
    Exec.Result r =
        JarProcess.run(
            controllerJar,
            List.of(
                "plan",
                "--specs",
                home.resolve("crds-like-specs/examples").toString(),
                "--inventory",
                home.resolve("test-fixtures/inventories/lab-3-nodes.json").toString()),
            Duration.ofSeconds(60));
    out.print(r.stdout());
    err.print(r.stderr());
    return r.exitCode();
  }
}
