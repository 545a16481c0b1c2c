package io.pvespan.controller.cli;

import io.pvespan.controller.InventorySourceFactory;
import io.pvespan.server.cli.CommandLineStyle;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of {@code ./pvespan} (all subcommands but {@code agent} and the lab's {@code demo}
 * and {@code pve-standin}, which have their own jars; their names are known here only to say so).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.in, System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, InputStream.nullInputStream(), out, err);
  }

  /** Runs {@code ./pvespan args...}; {@code in} is what {@code --pve-token-file -} reads. */
  static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    return execute(commandLine(productionCommands(in)), args, out, err);
  }

  /** Runs one command object as {@code ./pvespan NAME args...} (see {@link Command#run}). */
  static int run(Object command, List<String> args, PrintStream out, PrintStream err) {
    CommandLine line = commandLine(List.of(command));
    String name = line.getSubcommands().keySet().iterator().next();
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(args);
    return execute(line, all, out, err);
  }

  /** The controller jar's commands, by name, without the names of the other jars' commands. */
  static Map<String, CommandLine> commands() {
    Map<String, CommandLine> all =
        new LinkedHashMap<>(commandLine(productionCommands(null)).getSubcommands());
    all.keySet().removeAll(ElsewhereCommand.NAMES);
    return all;
  }

  private static List<Object> productionCommands(InputStream in) {
    InputStream stdin = in == null ? InputStream.nullInputStream() : in;
    return List.of(
        new ValidateCommand(),
        new PlanCommand(stdin),
        new InventoryCommand(stdin),
        new ControllerCommand(InventorySourceFactory.production()),
        new StatusCommand(),
        new CaptureCommand(),
        new CertsCommand());
  }

  /** The whole command line: {@code commands} plus the names served by the other jars. */
  static CommandLine commandLine(List<Object> commands) {
    CommandLine line = new CommandLine(new PvespanCommand());
    for (Object c : commands) {
      line.addSubcommand(c);
    }
    ElsewhereCommand.addTo(line);
    CommandLineStyle.apply(line, "commands:", "unknown command '%s'");
    return line;
  }

  private static int execute(
      CommandLine line, List<String> args, PrintStream out, PrintStream err) {
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    line.setOut(o);
    line.setErr(e);
    try {
      return line.execute(args.toArray(String[]::new));
    } finally {
      o.flush();
      e.flush();
    }
  }
}
