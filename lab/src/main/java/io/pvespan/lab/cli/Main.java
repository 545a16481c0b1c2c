package io.pvespan.lab.cli;

import io.pvespan.server.cli.CommandLineStyle;
import io.pvespan.version.PvespanVersion;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
    CommandLineStyle.apply(line, "lab commands:", "'%s' is not a lab command");
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

  /** {@code --version}: the Maven project version, filled in at build time. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {PvespanVersion.line("lab")};
    }
  }
}
