package io.pvespan.controller.cli;

import io.pvespan.controller.pve.PveOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code ./pvespan plan}, parsed. The inventory comes from a saved file ({@code
 * --inventory FILE}) or from the live cluster ({@code --pve-url ...}, see {@link PveOptions}).
 */
record PlanOptions(List<Path> specs, Path inventory, PveOptions pve, Format output, boolean help) {
  static final String USAGE =
      "usage: ./pvespan plan --specs DIR (--inventory FILE | "
          + PveOptions.USAGE
          + ") [--output text|json|yaml]";

  /** How the plans are printed. */
  enum Format {
    TEXT,
    JSON,
    YAML
  }

  PlanOptions {
    specs = List.copyOf(specs);
  }

  /**
   * Parses {@code args}.
   *
   * @throws UsageException with one line for the user when they are not usable
   */
  static PlanOptions parse(List<String> allArgs) {
    PveOptions pve;
    try {
      pve = PveOptions.parse(allArgs);
    } catch (PveOptions.UsageException e) {
      throw new UsageException(e.getMessage());
    }
    List<String> args = pve.remaining();
    List<Path> specs = new ArrayList<>();
    Path inventory = null;
    Format output = Format.TEXT;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "-h", "--help" -> {
          return new PlanOptions(List.of(), null, null, Format.TEXT, true);
        }
        case "--specs" -> specs.add(Path.of(value(args, ++i, arg)));
        case "--inventory" -> {
          if (inventory != null) {
            throw new UsageException("--inventory given twice");
          }
          inventory = Path.of(value(args, ++i, arg));
        }
        case "--output" -> output = format(value(args, ++i, arg));
        default -> throw new UsageException("unknown argument '" + arg + "'");
      }
    }
    if (specs.isEmpty()) {
      throw new UsageException("--specs DIR is required");
    }
    if (inventory == null && !pve.present()) {
      throw new UsageException("--inventory FILE or --pve-url URL is required");
    }
    if (inventory != null && pve.present()) {
      throw new UsageException("--inventory and --pve-url exclude each other");
    }
    return new PlanOptions(specs, inventory, pve.present() ? pve : null, output, false);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(i);
  }

  private static Format format(String text) {
    for (Format f : Format.values()) {
      if (f.name().toLowerCase(Locale.ROOT).equals(text)) {
        return f;
      }
    }
    throw new UsageException("--output '" + text + "' is not text, json or yaml");
  }

  /** Arguments that cannot be used; the message is one line. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
