package io.pvespan.controller.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./pvespan}: only a list of subcommands; without one it is a usage error. */
@Command(
    name = "./pvespan",
    versionProvider = VersionProvider.class,
    synopsisSubcommandLabel = "COMMAND",
    description = "Declarative port mirroring (SPAN) for Proxmox VE.",
    footer = {"", "./pvespan COMMAND --help describes a command and every option it takes."})
final class PvespanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "print the version and exit")
  boolean version;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a COMMAND is required");
  }
}
