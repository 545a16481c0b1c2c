package io.pvespan.lab.cli;

import io.pvespan.version.PvespanVersion;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the lab jar: the subcommands of {@code ./pvespan} that are test and demo tooling,
 * never part of the production controller ({@code demo}, {@code pve-standin}). The launcher sends
 * these here and everything else to the controller's jar. Help, errors and exit codes look like the
 * controller's: a usage mistake is one {@code pvespan COMMAND: message} line and the synopsis, exit
 * 2.
 */
@Command(
    name = "./pvespan",
    synopsisSubcommandLabel = "LAB-COMMAND",
    versionProvider = Main.Version.class,
    description = "The lab commands of ./pvespan (test and demo tooling, not the controller).")
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "print the version and exit")
  boolean version;

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a LAB-COMMAND is required");
  }

  /** The lab's command line; {@code out} is where the demo reports as it goes. */
  static CommandLine commandLine(PrintStream out) {
    CommandLine line = new CommandLine(new Main());
    line.addSubcommand(new DemoCommand(out));
    line.addSubcommand(new PveStandInCommand());
    style(line);
    line.setParameterExceptionHandler(Main::usageError);
    line.setExecutionExceptionHandler(
        (e, failed, parsed) -> {
          // A bug, not a user mistake: say so in one line; the stack trace only on request.
          failed.getErr().println(who(failed) + ": internal error: " + e);
          if (System.getenv("PVESPAN_DEBUG") != null) {
            e.printStackTrace(failed.getErr());
          }
          return 1;
        });
    return line;
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    CommandLine line = commandLine(out);
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

  private static void style(CommandLine line) {
    UsageMessageSpec usage = line.getCommandSpec().usageMessage();
    usage
        .synopsisHeading("usage: ")
        .descriptionHeading("%n")
        .optionListHeading("%noptions:%n")
        .commandListHeading("%nlab commands:%n")
        .sortOptions(false)
        .sortSynopsis(false)
        .width(100);
    line.getSubcommands().values().forEach(Main::style);
  }

  private static String who(CommandLine line) {
    return line.getParent() == null ? "pvespan" : "pvespan " + line.getCommandName();
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    boolean top = line.getParent() == null;
    err.println(who(line) + ": " + message(e, top) + (top ? " (see ./pvespan --help)" : ""));
    if (!top) {
      CommandLine.Help help = line.getHelp();
      err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
    }
    err.flush();
    return 2;
  }

  private static String message(ParameterException e, boolean top) {
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      String what =
          u.isUnknownOption()
              ? "unknown option '" + arg + "'"
              : top ? "'" + arg + "' is not a lab command" : "unexpected argument '" + arg + "'";
      return u.getSuggestions().isEmpty()
          ? what
          : what + "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
    }
    if (e instanceof OverwrittenOptionException o) {
      return name(o.getOverwritten()) + " given twice";
    }
    if (e instanceof MissingParameterException m
        && e.getMessage().startsWith("Missing required option")
        && m.getMissing().stream().allMatch(ArgSpec::isOption)) {
      // One at a time, in declaration order, as the other one-line messages.
      return name(m.getMissing().get(0)) + " is required";
    }
    if (e instanceof MissingParameterException m
        && m.getMissing().size() == 1
        && m.getMissing().get(0).isOption()
        && e.getMessage().startsWith("Missing required parameter")) {
      return name(m.getMissing().get(0)) + " needs a value";
    }
    String text = e.getMessage().lines().findFirst().orElse("");
    return text.isEmpty()
        ? text
        : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  private static String name(ArgSpec arg) {
    return arg instanceof OptionSpec o ? o.longestName() : arg.paramLabel();
  }

  /** {@code --version}: the Maven project version, filled in at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {PvespanVersion.line("lab")};
    }
  }
}
