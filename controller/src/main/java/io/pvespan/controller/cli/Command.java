package io.pvespan.controller.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * A subcommand of {@code ./pvespan}: a picocli {@code @Command} whose {@code call()} returns the
 * exit code: 0 success, 1 a problem with the user's input or the system (one line each on stderr),
 * 2 a usage error. Never throws for a user mistake.
 */
public interface Command {
  /**
   * Runs this command as {@code ./pvespan NAME args...} would (parsing, help, usage errors and exit
   * codes as in production), writing to {@code out} and {@code err}: for tests and embedding.
   */
  default int run(List<String> args, PrintStream out, PrintStream err) {
    return Main.run(this, args, out, err);
  }
}
