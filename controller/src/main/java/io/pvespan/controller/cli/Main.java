package io.pvespan.controller.cli;

import io.pvespan.controller.InventorySourceFactory;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of {@code ./pvespan} (all subcommands but {@code agent}, which has its own jar). */
public final class Main {
  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> all = new LinkedHashMap<>();
    for (Command c :
        List.<Command>of(
            new ValidateCommand(),
            new PlanCommand(),
            new InventoryCommand(),
            new ControllerCommand(InventorySourceFactory.production()),
            new StatusCommand(),
            new PveStandInCommand(),
            new DemoCommand())) {
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
  }
}
