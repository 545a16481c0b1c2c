package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code ip}/{@code tc} command (without the binary), built only from validated values:
 * keywords written in our code (checked against a token pattern anyway), {@link InterfaceName}s,
 * numbers, {@link IpAddress}es and compiled {@link BpfProgram}s. No token can hold whitespace,
 * quotes, a newline or a shell/batch metacharacter, so the same command is safe both as an argument
 * list and as one line of {@code -batch -} input.
 */
public final class CommandLine {
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_:./-]*");

  private final List<String> args = new ArrayList<>();
  private final List<Boolean> quoted = new ArrayList<>();

  private CommandLine() {}

  /** Starts a command with literal keywords, e.g. {@code of("filter", "add")}. */
  public static CommandLine of(String... keywords) {
    CommandLine line = new CommandLine();
    for (String k : keywords) {
      line.kw(k);
    }
    return line;
  }

  /** A keyword or other literal token; must match {@code [A-Za-z0-9_][A-Za-z0-9_:./-]*}. */
  public CommandLine kw(String keyword) {
    if (keyword == null || !TOKEN.matcher(keyword).matches()) {
      throw new IllegalArgumentException("'" + keyword + "' is not a safe command token");
    }
    return add(keyword, false);
  }

  public CommandLine dev(InterfaceName name) {
    return add(name.value(), false);
  }

  /**
   * An absolute file path our own code chose (the eBPF object): letters, digits and {@code _.-/}
   * only, so it is one safe token too.
   */
  public CommandLine path(java.nio.file.Path file) {
    String p = file.toString();
    if (!file.isAbsolute() || !p.matches("/[A-Za-z0-9_./-]+") || p.contains("..")) {
      throw new IllegalArgumentException("'" + p + "' is not a safe absolute path");
    }
    return add(p, false);
  }

  public CommandLine num(long value) {
    return add(Long.toString(value), false);
  }

  public CommandLine addr(IpAddress address) {
    return add(address.value(), false);
  }

  /** A compiled classic BPF program; one argument (quoted in batch lines: it holds spaces). */
  public CommandLine bytecode(BpfProgram program) {
    return add(program.bytecode(), true);
  }

  private CommandLine add(String token, boolean needsQuotes) {
    args.add(token);
    quoted.add(needsQuotes);
    return this;
  }

  /** The arguments for {@link ProcessBuilder} (after the binary and global options). */
  public List<String> argv() {
    return List.copyOf(args);
  }

  /** The same command as one line of {@code -batch -} input. */
  public String batchLine() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(quoted.get(i) ? '"' + args.get(i) + '"' : args.get(i));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return batchLine();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommandLine c && c.args.equals(args);
  }

  @Override
  public int hashCode() {
    return args.hashCode();
  }
}
