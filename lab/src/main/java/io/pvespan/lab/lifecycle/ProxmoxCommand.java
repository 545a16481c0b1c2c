package io.pvespan.lab.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * One command of a sequence, as one OS process: an absolute binary path and its arguments (never a
 * shell).
 *
 * @param argv the full argument list, {@code argv.get(0)} an absolute path
 * @param failureTolerated Proxmox ignores its failure ({@code eval {}}, {@code noerr}); otherwise a
 *     failure aborts the operation on a real host
 * @param actor who runs it on a real host
 * @param origin where Proxmox does this (file and function), or what it stands for
 * @param stdin text fed to the process ({@code ip -batch -}); empty for none
 */
public record ProxmoxCommand(
    List<String> argv, boolean failureTolerated, Actor actor, String origin, String stdin) {
  public ProxmoxCommand {
    argv = List.copyOf(argv);
    if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
      throw new IllegalArgumentException("argv must start with an absolute path: " + argv);
    }
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(origin, "origin");
    stdin = stdin == null ? "" : stdin;
  }

  /** The argument list joined by spaces, for logs and assertions only (never executed). */
  public String display() {
    return String.join(" ", argv);
  }
}
