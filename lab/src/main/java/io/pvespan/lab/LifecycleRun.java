package io.pvespan.lab;

import io.pvespan.lab.lifecycle.CommandResult;
import io.pvespan.lab.lifecycle.SequenceResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link LabLifecycle} operation did, step by step, with {@link System#nanoTime()} stamps:
 * Proxmox's command sequences (each command its own process), the stand-in's changes, and the lab's
 * own steps (a pause for the RAM copy, offloads off on new devices).
 *
 * @param operation what was done, e.g. {@code live migration vm101 pve1 -> pve2}
 * @param steps in the order they ran
 */
public record LifecycleRun(String operation, List<Step> steps) {
  /** Who a step stands for. */
  public enum Kind {
    /** A Proxmox command sequence run by the lifecycle driver on a node. */
    PROXMOX,
    /** A change of what the Proxmox API (the stand-in) answers. */
    API,
    /** The lab itself: time passing, offloads off, the guest's own NIC setup. */
    LAB
  }

  /**
   * One step. {@code sequence} is set for {@link Kind#PROXMOX} steps.
   *
   * @param name what it stands for
   */
  public record Step(
      Kind kind, String name, long startNanos, long endNanos, SequenceResult sequence) {
    public boolean succeeded() {
      return sequence == null || sequence.succeeded();
    }
  }

  public LifecycleRun {
    steps = List.copyOf(steps);
  }

  /** Every Proxmox sequence ran all its commands without a failure Proxmox does not tolerate. */
  public boolean succeeded() {
    return steps.stream().allMatch(Step::succeeded);
  }

  /** The failed Proxmox commands, with their stderr: what would fail the operation on a host. */
  public List<String> failures() {
    List<String> out = new ArrayList<>();
    for (Step s : steps) {
      if (s.sequence() == null) {
        continue;
      }
      for (CommandResult r : s.sequence().failedCommands()) {
        out.add(s.name() + ": " + r.command().display() + " -> " + r.exitCode() + " " + r.stderr());
      }
      s.sequence().abortReason().ifPresent(why -> out.add(s.name() + ": aborted: " + why));
    }
    return out;
  }

  /** The first step named {@code name}. */
  public Optional<Step> step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * When {@code device} came into existence: the end of the first command that added it ({@code ip
   * link add DEVICE ...}).
   */
  public Optional<Long> deviceCreatedNanos(String device) {
    for (Step s : steps) {
      if (s.sequence() == null) {
        continue;
      }
      for (CommandResult r : s.sequence().results()) {
        List<String> argv = r.command().argv();
        int add = argv.indexOf("add");
        if (r.succeeded()
            && add > 0
            && "link".equals(argv.get(add - 1))
            && argv.size() > add + 1
            && (device.equals(argv.get(add + 1))
                || (argv.get(add + 1).equals("name")
                    && argv.size() > add + 2
                    && device.equals(argv.get(add + 2))))) {
          return Optional.of(r.endNanos());
        }
      }
    }
    return Optional.empty();
  }

  /** One line per step: offset from the first step, duration, kind, name. */
  public List<String> timeline() {
    List<String> lines = new ArrayList<>();
    long t0 = steps.isEmpty() ? 0 : steps.get(0).startNanos();
    for (Step s : steps) {
      lines.add(
          String.format(
              "+%6.0f ms %5.0f ms  %-7s %s%s",
              (s.startNanos() - t0) / 1e6,
              (s.endNanos() - s.startNanos()) / 1e6,
              s.kind().name().toLowerCase(java.util.Locale.ROOT),
              s.name(),
              s.succeeded() ? "" : "  FAILED"));
    }
    return lines;
  }
}
