package io.pvespan.lab.lifecycle;

import java.util.List;
import java.util.Optional;

/**
 * A sequence rendered but not run.
 *
 * @param name the sequence's name ({@code vm-start}, ...)
 * @param commands the commands, in Proxmox's order
 * @param abortReason set when Proxmox would {@code die} after {@code commands} (e.g. the bridge
 *     does not exist); the commands before it still run, as they do on a real host
 */
public record PlannedSequence(
    String name, List<ProxmoxCommand> commands, Optional<String> abortReason) {
  public PlannedSequence {
    commands = List.copyOf(commands);
  }

  static PlannedSequence render(String name, Plan plan, Runnable steps) {
    try {
      steps.run();
      return new PlannedSequence(name, plan.commands(), Optional.empty());
    } catch (Plan.Die die) {
      return new PlannedSequence(name, plan.commands(), Optional.of(die.getMessage()));
    }
  }
}
