package io.pvespan.lab.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Replays Proxmox VE's host-side sequences in a lab node (a network namespace): each command its
 * own process, in Proxmox's order, with {@link DriverOptions#gap()} between two commands. Each
 * method reads the node's links once ({@code ip -d -j link show}, a probe that is not part of the
 * sequence), renders the sequence and runs it; like Proxmox's {@code die}, it stops at the first
 * failure Proxmox does not tolerate. Not thread-safe per node: Proxmox serialises a guest's
 * operations with its config lock, callers must too.
 */
public final class LifecycleDriver {
  /** Waits between two commands; injected so tests never sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final CommandExecutor executor;
  private final DriverOptions options;
  private final Sleeper sleeper;

  public LifecycleDriver(CommandExecutor executor, DriverOptions options, Sleeper sleeper) {
    this.executor = Objects.requireNonNull(executor);
    this.options = Objects.requireNonNull(options);
    this.sleeper = Objects.requireNonNull(sleeper);
  }

  /** Real processes, real sleeps. */
  public LifecycleDriver(DriverOptions options) {
    this(
        new ProcessCommandExecutor(),
        options,
        d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
  }

  public SequenceResult vmStart(String nodeNs, NicConfig nic, String vmNs) {
    return run(GuestSequences.vmStart(nodeNs, observe(nodeNs), nic, vmNs, options));
  }

  public SequenceResult nicHotplug(String nodeNs, NicConfig nic, String vmNs) {
    return run(GuestSequences.nicHotplug(nodeNs, observe(nodeNs), nic, vmNs, options));
  }

  public SequenceResult nicUnplug(String nodeNs, NicConfig nic) {
    return run(GuestSequences.nicUnplug(nodeNs, observe(nodeNs), nic));
  }

  public SequenceResult vmStop(String nodeNs, NicConfig nic) {
    return run(GuestSequences.vmStop(nodeNs, observe(nodeNs), nic));
  }

  /** {@code nic} carries the new {@code rate=} (null: no limit). */
  public SequenceResult rateChange(String nodeNs, NicConfig nic) {
    return run(GuestSequences.rateChange(nodeNs, observe(nodeNs), nic, options));
  }

  /** {@code newNic} carries the new bridge, tag or firewall. */
  public SequenceResult bridgeChange(String nodeNs, NicConfig newNic) {
    return run(GuestSequences.bridgeChange(nodeNs, observe(nodeNs), newNic, options));
  }

  /** {@code newNic} carries the new MAC (or model, queues, MTU): a new tap. */
  public SequenceResult nicReplace(String nodeNs, NicConfig newNic, String vmNs) {
    return run(GuestSequences.nicReplace(nodeNs, observe(nodeNs), newNic, vmNs, options));
  }

  public SequenceResult ctStart(String nodeNs, NicConfig nic, String ctNs) {
    return run(ContainerSequences.ctStart(nodeNs, observe(nodeNs), nic, ctNs, options));
  }

  public SequenceResult ctHotplug(String nodeNs, NicConfig nic, String ctNs) {
    return run(ContainerSequences.ctHotplug(nodeNs, observe(nodeNs), nic, ctNs, options));
  }

  public SequenceResult ctStop(String nodeNs, NicConfig nic) {
    return run(ContainerSequences.ctStop(nodeNs, observe(nodeNs), nic));
  }

  /** See {@link MigrationSequences#begin}. */
  public SequenceResult beginMigration(String targetNs, NicConfig nic, String parkNs) {
    return run(MigrationSequences.begin(targetNs, observe(targetNs), nic, parkNs, options));
  }

  /** See {@link MigrationSequences#switchover}; reads the VM's addresses and routes first. */
  public SequenceResult switchover(String vmNs, String parkNs, NicConfig nic) {
    String dev = nic.guestDevice();
    List<String> addresses = new ArrayList<>();
    for (JsonNode link : json(Plan.IP, "-n", vmNs, "-j", "addr", "show", "dev", dev)) {
      for (JsonNode a : link.path("addr_info")) {
        if ("global".equals(a.path("scope").asText())) {
          addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
        }
      }
    }
    List<String> routes = new ArrayList<>();
    for (JsonNode r : json(Plan.IP, "-n", vmNs, "-j", "-4", "route", "show", "dev", dev)) {
      if (!"kernel".equals(r.path("protocol").asText())) {
        String via = r.has("gateway") ? " via " + r.get("gateway").asText() : "";
        routes.add(r.path("dst").asText() + via);
      }
    }
    return run(MigrationSequences.switchover(vmNs, parkNs, nic, addresses, routes));
  }

  /** See {@link MigrationSequences#finish}. */
  public SequenceResult finishMigration(String sourceNs, NicConfig nic, String parkNs) {
    return run(MigrationSequences.finish(sourceNs, observe(sourceNs), nic, parkNs));
  }

  /** The node's links, as Proxmox's sysfs reads would see them. */
  public NodeView observe(String nodeNs) {
    return NodeView.parse(
        executor.read(List.of(Plan.IP, "-n", nodeNs, "-d", "-j", "link", "show")));
  }

  /** Runs a rendered sequence: gaps between commands, stop at the first untolerated failure. */
  public SequenceResult run(PlannedSequence sequence) {
    List<CommandResult> results = new ArrayList<>();
    for (ProxmoxCommand c : sequence.commands()) {
      if (!results.isEmpty() && !options.gap().isZero()) {
        try {
          sleeper.sleep(options.gap());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      CommandResult r = executor.run(c);
      results.add(r);
      if (r.failedUntolerated()) {
        break;
      }
    }
    boolean ranAll =
        results.size() == sequence.commands().size()
            && results.stream().noneMatch(CommandResult::failedUntolerated);
    return new SequenceResult(
        sequence.name(), results, ranAll ? sequence.abortReason() : java.util.Optional.empty());
  }

  private JsonNode json(String... argv) {
    try {
      return new ObjectMapper().readTree(executor.read(List.of(argv)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
