package io.pvespan.controller.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code ./pvespan plan}, parsed. Where the inventory comes from is one field today
 * ({@code --inventory FILE}); the Proxmox API options ({@code --pve-url}, {@code --pve-token},
 * {@code --pve-fingerprint}, {@code --pve-insecure}) are meant to join it here.
 */
record PlanOptions(List<Path> specs, Path inventory, Format output, boolean help) {
  static final String USAGE =
      "usage: ./pvespan plan --specs DIR --inventory FILE [--output text|json|yaml]";

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
  static PlanOptions parse(List<String> args) {
    List<Path> specs = new ArrayList<>();
    Path inventory = null;
    Format output = Format.TEXT;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "-h", "--help" -> {
          return new PlanOptions(List.of(), null, Format.TEXT, true);
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
    if (inventory == null) {
      throw new UsageException("--inventory FILE is required");
    }
    return new PlanOptions(specs, inventory, output, false);
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
