package io.pvespan.server.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every pvespan command line ({@code ./pvespan}, its lab commands, the node agent) looks and
 * fails: lower-case help headings in declaration order, a user mistake as one {@code pvespan
 * COMMAND: message} line (with picocli's "did you mean" suggestions) followed by the synopsis, exit
 * 2; a bug as one "internal error" line, exit 1, the stack trace only with {@code PVESPAN_DEBUG}
 * set.
 */
public final class CommandLineStyle {
  public static final int USAGE_ERROR = 2;

  private CommandLineStyle() {}

  /**
   * Styles {@code root} and its subcommands and installs the two error handlers.
   *
   * @param commandListHeading the heading above the subcommands, e.g. {@code "commands:"}
   * @param unknownCommand what an unknown word at the top is called, with {@code %s} for it
   */
  public static void apply(CommandLine root, String commandListHeading, String unknownCommand) {
    style(root, commandListHeading);
    root.setCaseInsensitiveEnumValuesAllowed(true);
    root.setParameterExceptionHandler((e, args) -> usageError(e, unknownCommand));
    root.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println(who(line) + ": internal error: " + e);
          if (System.getenv("PVESPAN_DEBUG") != null) {
            e.printStackTrace(line.getErr());
          }
          return 1;
        });
  }

  private static void style(CommandLine line, String commandListHeading) {
    UsageMessageSpec usage = line.getCommandSpec().usageMessage();
    usage
        .synopsisHeading("usage: ")
        .descriptionHeading("%n")
        .parameterListHeading("%narguments:%n")
        .optionListHeading("%noptions:%n")
        .commandListHeading("%n" + commandListHeading + "%n")
        .sortOptions(false)
        .sortSynopsis(false)
        .width(100);
    line.getSubcommands().values().forEach(sub -> style(sub, commandListHeading));
  }

  /** {@code pvespan} or {@code pvespan COMMAND}, as errors start. */
  public static String who(CommandLine line) {
    return line.getParent() == null ? "pvespan" : "pvespan " + line.getCommandName();
  }

  private static int usageError(ParameterException e, String unknownCommand) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    boolean top = line.getParent() == null;
    err.println(
        who(line)
            + ": "
            + oneLine(e, top ? unknownCommand : null)
            + (top ? " (see ./pvespan --help)" : ""));
    if (!top) {
      CommandLine.Help help = line.getHelp();
      err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
    }
    err.flush();
    return USAGE_ERROR;
  }

  /**
   * One line for the user, in our own words where picocli's are clumsy.
   *
   * @param unknownCommand what an unmatched word (not an option) is called, with {@code %s} for it;
   *     null: an unexpected argument
   */
  public static String oneLine(ParameterException e, String unknownCommand) {
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      String what =
          u.isUnknownOption()
              ? "unknown option '" + arg + "'"
              : String.format(
                  Locale.ROOT,
                  unknownCommand == null ? "unexpected argument '%s'" : unknownCommand,
                  arg);
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
        && m.getMissing().get(0).isOption()) {
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
}
