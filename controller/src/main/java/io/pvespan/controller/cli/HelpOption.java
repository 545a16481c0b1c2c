package io.pvespan.controller.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} for a subcommand (the version is the top command's). */
final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;
}
