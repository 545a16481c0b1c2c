package io.pvespan.lab.lifecycle;

import java.util.List;
import java.util.Optional;

/**
 * A sequence as it ran: every command started, in order. Like Proxmox's {@code die}, the driver
 * stops at the first failure Proxmox does not tolerate, so that command is the last one.
 *
 * @param sequence the sequence's name
 * @param results the commands run, in order
 * @param abortReason why Proxmox would die before running a command (e.g. the bridge does not
 *     exist), found while planning; empty when the plan was complete
 */
public record SequenceResult(
    String sequence, List<CommandResult> results, Optional<String> abortReason) {
  public SequenceResult {
    results = List.copyOf(results);
  }

  /** Failures Proxmox does not tolerate: on a real host, the VM operation fails. */
  public List<CommandResult> failedCommands() {
    return results.stream().filter(CommandResult::failedUntolerated).toList();
  }

  /** No untolerated failure and no abort. */
  public boolean succeeded() {
    return failedCommands().isEmpty() && abortReason.isEmpty();
  }
}
