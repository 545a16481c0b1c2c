package io.pvespan.controller.cli;

import io.pvespan.controller.ControllerDaemon;
import io.pvespan.controller.InventorySourceFactory;
import io.pvespan.controller.config.ConfigException;
import io.pvespan.controller.config.ConfigLoader;
import io.pvespan.controller.config.ControllerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan controller --config FILE}: runs the controller until stopped (SIGTERM/Ctrl-C).
 */
@picocli.CommandLine.Command(
    name = "controller",
    description = {
      "run the controller (--config FILE)",
      "",
      "Runs the controller until stopped (SIGTERM, Ctrl-C): poll Proxmox, plan, push the plans to"
          + " the node agents, serve the read-only API.",
      "Exits 1 with one line per config problem (file:line:col: message); 2 for usage errors;"
          + " 75 when the ha: database cannot be used or another controller took the leadership"
          + " over (the unit restarts it)."
    })
public final class ControllerCommand implements Command, Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      required = true,
      description = "the controller config (YAML; see deploy/config/controller.yaml.example)")
  Path config;

  private final InventorySourceFactory inventories;

  public ControllerCommand(InventorySourceFactory inventories) {
    this.inventories = inventories;
  }

  /** Timestamps in the log, Quartz's start-up chatter off (before the first logger exists). */
  private static void quietLibraries() {
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    if (System.getProperty("org.slf4j.simpleLogger.log.org.quartz") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.quartz", "warn");
    }
  }

  /**
   * Another controller took the lease over: this one was taken for dead (a pause, a partition) and
   * its in-memory state may be stale. Its pushes are already fenced; exiting makes the service
   * manager restart it as a clean standby (exit 75, EX_TEMPFAIL).
   */
  private static void leadershipLost() {
    System.err.println("pvespan controller: leadership lost to another controller; exiting");
    // Not on the caller's thread: the leader job's, which the shutdown hooks wait for.
    new Thread(() -> System.exit(75), "pvespan-exit").start();
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    quietLibraries();
    ControllerConfig conf;
    try {
      conf = ConfigLoader.load(config);
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      return 1;
    }
    ControllerDaemon daemon;
    try {
      daemon = ControllerDaemon.start(conf, inventories, ControllerCommand::leadershipLost);
    } catch (IllegalArgumentException e) {
      err.println(config + ": " + e.getMessage());
      return 1;
    } catch (IllegalStateException e) {
      // The ha: database unreachable or refusing us: may pass, so not a config error (1) but
      // EX_TEMPFAIL, which the unit restarts.
      err.println("pvespan controller: " + e.getMessage());
      return 75;
    } catch (IOException e) {
      err.println("pvespan controller: cannot listen on " + conf.listen() + ": " + e.getMessage());
      return 1;
    }
    out.println(
        "pvespan controller: API on http://"
            + conf.listen().host()
            + ":"
            + daemon.apiPort()
            + " (specs "
            + conf.specs().path()
            + ", poll every "
            + conf.pollInterval().toMillis()
            + " ms)");
    if (conf.ha() != null) {
      out.println(
          "pvespan controller: high availability as "
              + conf.ha().instanceId()
              + " (check-in every "
              + conf.ha().checkIn().toMillis()
              + " ms); plans and pushes only while it leads");
    }
    if (conf.specs().gitUrl() != null) {
      out.println(
          "pvespan controller: specs from "
              + conf.specs().gitUrl()
              + " branch "
              + conf.specs().gitBranch()
              + ", fetched every "
              + conf.specs().git().pollInterval().toSeconds()
              + " s into "
              + conf.specs().path());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  daemon.close();
                  stopped.countDown();
                }));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      daemon.close();
    }
    return 0;
  }
}
