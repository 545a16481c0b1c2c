package io.pvespan.controller.cli;

import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.controller.pve.PveOptions;
import io.pvespan.inventory.InventoryJson;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code ./pvespan inventory --pve-url URL ... > cluster.json}: one full read of the cluster,
 * printed in the inventory file format ({@code --inventory FILE} of {@code plan}).
 */
public final class InventoryCommand implements Command {
  private static final String USAGE = "usage: ./pvespan inventory " + PveOptions.USAGE;

  @Override
  public String name() {
    return "inventory";
  }

  @Override
  public String summary() {
    return "read the cluster from the Proxmox API and print an inventory file";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    PveOptions options;
    try {
      options = PveOptions.parse(args);
    } catch (PveOptions.UsageException e) {
      err.println("pvespan inventory: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (!options.present() || !options.remaining().isEmpty()) {
      err.println(
          "pvespan inventory: "
              + (options.present()
                  ? "unexpected argument " + options.remaining().get(0)
                  : "--pve-url is required"));
      err.println(USAGE);
      return 2;
    }
    try (PveInventorySource source = PveInventorySource.open(options.connection())) {
      out.println(InventoryJson.write(source.poll().inventory()));
      return 0;
    } catch (PveException e) {
      err.println("pvespan inventory: " + e.getMessage());
      return 1;
    }
  }
}
