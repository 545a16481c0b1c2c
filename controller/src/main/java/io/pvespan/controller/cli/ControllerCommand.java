package io.pvespan.controller.cli;

import io.pvespan.controller.ControllerDaemon;
import io.pvespan.controller.InventorySourceFactory;
import io.pvespan.controller.config.ConfigException;
import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.controller.config.ControllerConfigLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./pvespan controller --config FILE}: runs the controller until stopped (SIGTERM/Ctrl-C).
 */
public final class ControllerCommand implements Command {
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

  @Override
  public String name() {
    return "controller";
  }

  @Override
  public String summary() {
    return "run the controller (--config FILE)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    String config = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        out.println("usage: ./pvespan controller --config FILE");
        out.println("  runs the controller; see deploy/config/controller.yaml.example");
        return 0;
      } else if (a.equals("--config") && i + 1 < args.size()) {
        config = args.get(++i);
      } else if (a.startsWith("--config=")) {
        config = a.substring("--config=".length());
      } else {
        err.println("pvespan controller: unexpected argument '" + a + "' (usage: --config FILE)");
        return 2;
      }
    }
    if (config == null) {
      err.println("pvespan controller: --config FILE is required");
      return 2;
    }
    quietLibraries();
    ControllerConfig conf;
    try {
      conf = ControllerConfigLoader.load(Path.of(config));
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      return 1;
    }
    ControllerDaemon daemon;
    try {
      daemon = ControllerDaemon.start(conf, inventories);
    } catch (IllegalArgumentException e) {
      err.println(config + ": " + e.getMessage());
      return 1;
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
    if (conf.specs().gitUrl() != null) {
      out.println(
          "pvespan controller: specs.git is not pulled by this version; keep "
              + conf.specs().path()
              + " up to date (e.g. a git-sync timer)");
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
