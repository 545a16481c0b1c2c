package io.pvespan.controller.cli;

import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.inventory.InventoryJson;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan inventory --pve-url URL ... > cluster.json}: one full read of the cluster,
 * printed in the inventory file format ({@code --inventory FILE} of {@code plan}).
 */
@picocli.CommandLine.Command(
    name = "inventory",
    customSynopsis = "./pvespan inventory " + PveOptions.SYNOPSIS,
    description = {
      "read the cluster from the Proxmox API and print an inventory file",
      "",
      "Reads the cluster from the Proxmox API and prints an inventory file (the --inventory FILE"
          + " of plan). The token needs VM.Audit and Sys.Audit on / (docs/proxmox-access.md).",
      "Exit 0 with the inventory on stdout; 1 with one line on stderr when the cluster cannot be"
          + " read; 2 for usage errors."
    })
public final class InventoryCommand implements Command, Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Mixin PveOptions pve;

  private final InputStream stdin;

  public InventoryCommand() {
    this(InputStream.nullInputStream());
  }

  InventoryCommand(InputStream stdin) {
    this.stdin = stdin;
  }

  @Override
  public Integer call() {
    String problem = pve.problem();
    if (problem == null && !pve.present()) {
      problem = "--pve-url is required";
    }
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    PrintWriter err = spec.commandLine().getErr();
    try (PveInventorySource source = PveInventorySource.open(pve.connection(stdin))) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(InventoryJson.write(source.poll().inventory()));
      out.flush();
      return 0;
    } catch (PveException e) {
      err.println("pvespan inventory: " + e.getMessage());
      return 1;
    }
  }
}
