package io.pvespan.lab.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the lab jar: the subcommands of {@code ./pvespan} that are test and demo tooling,
 * never part of the production controller ({@code demo}, {@code pve-standin}). The launcher sends
 * these here and everything else to the controller's jar.
 */
public final class Main {
  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> all = new LinkedHashMap<>();
    for (Command c : List.<Command>of(new DemoCommand(), new PveStandInCommand())) {
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
      PrintStream to = args.isEmpty() ? err : out;
      to.println("usage: ./pvespan LAB-COMMAND [ARGS...]   (lab commands of ./pvespan)");
      to.println();
      to.println("lab commands:");
      for (Command c : commands.values()) {
        to.printf("  %-11s %s%n", c.name(), c.summary());
      }
      return args.isEmpty() ? 2 : 0;
    }
    Command command = commands.get(args.get(0));
    if (command == null) {
      err.println("pvespan: '" + args.get(0) + "' is not a lab command (see ./pvespan --help)");
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
}
