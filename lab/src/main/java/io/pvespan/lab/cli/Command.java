package io.pvespan.lab.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A lab subcommand of {@code ./pvespan}. Returns the exit code: 0 success, 1 a problem with the
 * user's input or the system (one line each on {@code err}), 2 a usage error. Never throws for a
 * user mistake.
 */
interface Command {
  String name();

  /** One line for {@code ./pvespan --help}. */
  String summary();

  int run(List<String> args, PrintStream out, PrintStream err);
}
