package io.pvespan.controller.cli;

import io.pvespan.controller.InventorySourceFactory;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Entry point of {@code ./pvespan} (all subcommands but {@code agent} and the lab's {@code demo}
 * and {@code pve-standin}, which have their own jars).
 */
public final class Main {
  /** Subcommands of {@code ./pvespan} that live in the lab jar, never in the production one. */
  private static final Set<String> LAB_COMMANDS = Set.of("demo", "pve-standin");

  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> all = new LinkedHashMap<>();
    for (Command c :
        List.<Command>of(
            new ValidateCommand(),
            new PlanCommand(),
            new InventoryCommand(),
            new ControllerCommand(InventorySourceFactory.production()),
            new StatusCommand())) {
      all.put(c.name(), c);
    }
    return all;
  }

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    Map<String, Command> commands = commands();
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
      usage(commands, args.isEmpty() ? err : out);
      return args.isEmpty() ? 2 : 0;
    }
    Command command = commands.get(args.get(0));
    if (command == null && LAB_COMMANDS.contains(args.get(0))) {
      err.println(
          "pvespan: '"
              + args.get(0)
              + "' lives in the lab jar (lab/target/pvespan-lab.jar), not in the controller's;"
              + " run ./pvespan "
              + args.get(0));
      return 2;
    }
    if (command == null) {
      err.println("pvespan: unknown command '" + args.get(0) + "' (see ./pvespan --help)");
      return 2;
    }
    try {
      return command.run(args.subList(1, args.size()), out, err);
    } catch (RuntimeException e) {
      // A bug, not a user mistake: say so in one line; the stack trace only on request.
      err.println("pvespan " + command.name() + ": internal error: " + e);
      if (System.getenv("PVESPAN_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  private static void usage(Map<String, Command> commands, PrintStream to) {
    to.println("usage: ./pvespan COMMAND [ARGS...]   (./pvespan COMMAND --help for details)");
    to.println();
    to.println("commands:");
    for (Command c : commands.values()) {
      to.printf("  %-11s %s%n", c.name(), c.summary());
    }
    to.printf("  %-11s %s%n", "agent", "run the node agent (see ./pvespan agent --help)");
    to.println();
    to.println("lab commands (run by ./pvespan from the lab jar, not part of the controller):");
    to.printf(
        "  %-11s %s%n", "demo", "the whole system in a 3-node lab of network namespaces (root)");
    to.printf("  %-11s %s%n", "pve-standin", "serve a Proxmox API stand-in (for the lab)");
  }
}
