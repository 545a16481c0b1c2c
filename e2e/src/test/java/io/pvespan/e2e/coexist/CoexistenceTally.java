package io.pvespan.e2e.coexist;

import io.pvespan.lab.lifecycle.Actor;
import io.pvespan.lab.lifecycle.CommandResult;
import io.pvespan.lab.lifecycle.SequenceResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * What one scenario saw over its runs: every Proxmox command that failed (a failed VM operation on
 * a real host), every other problem (mirror not back, a frame the police stand-in or the sensor
 * missed, a Proxmox qdisc/class/filter gone), and "plug done → mirror active" latencies.
 */
final class CoexistenceTally {
  final String scenario;
  int sequences;
  int commands;
  final List<String> failedCommands = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  final List<Long> plugToActiveMicros = new ArrayList<>();

  CoexistenceTally(String scenario) {
    this.scenario = scenario;
  }

  /** Counts {@code r}'s commands and records those Proxmox would not tolerate failing. */
  void sequence(int run, SequenceResult r) {
    sequences++;
    commands += r.results().size();
    List<CommandResult> all = r.results();
    for (int i = 0; i < all.size(); i++) {
      CommandResult c = all.get(i);
      if (c.failedUntolerated()) {
        // How long since the sequence's previous command ended: a gap longer than the agent's
        // quiet period explains a race; a short one does not.
        String gap =
            i == 0
                ? "first command"
                : String.format(
                    Locale.ROOT,
                    "%.1f ms after the previous command ended, which took %.1f ms",
                    (c.startNanos() - all.get(i - 1).endNanos()) / 1e6,
                    (all.get(i - 1).endNanos() - all.get(i - 1).startNanos()) / 1e6);
        failedCommands.add(
            "run "
                + run
                + " "
                + r.sequence()
                + ": "
                + c.command().display()
                + ": "
                + c.stderr()
                + " ("
                + gap
                + ")");
      }
    }
    r.abortReason().ifPresent(a -> failedCommands.add("run " + run + " aborted: " + a));
  }

  /** When Proxmox's last command of {@code r} ended (System.nanoTime), or -1. */
  static long plugDone(SequenceResult r) {
    long done = -1;
    for (CommandResult c : r.results()) {
      if (c.command().actor() == Actor.PROXMOX) {
        done = c.endNanos();
      }
    }
    return done;
  }

  void problem(int run, String what) {
    problems.add("run " + run + ": " + what);
  }

  long percentileMicros(double p) {
    List<Long> sorted = new ArrayList<>(plugToActiveMicros);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return -1;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "%-34s %5d sequences %6d commands  failed Proxmox commands: %d  problems: %d"
            + "  plug done -> mirror active: p50 %.1f ms  p99 %.1f ms  max %.1f ms (n=%d)",
        scenario,
        sequences,
        commands,
        failedCommands.size(),
        problems.size(),
        percentileMicros(50) / 1000.0,
        percentileMicros(99) / 1000.0,
        percentileMicros(100) / 1000.0,
        plugToActiveMicros.size());
  }

  /** Appends the summary to {@code file} (the numbers BENCHMARKS.md quotes). */
  void appendTo(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, summary() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
