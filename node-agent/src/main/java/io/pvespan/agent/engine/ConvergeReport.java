package io.pvespan.agent.engine;

import io.pvespan.status.DriftItem;
import io.pvespan.status.EntryStatus;
import io.pvespan.status.GuestDevice;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of one converge: the drift found before acting (what was missing, unexpected or
 * modified), how many kernel writes were needed, the state and counters of every planned entry
 * after acting, kernel command failures (one line each), how many processes were spawned, and how
 * long it took; after a full converge, the guest devices present ({@code null} when not read); what
 * the budgets of copy conditioners dropped so far ({@link CopyDrops}).
 */
public record ConvergeReport(
    List<DriftItem> driftFound,
    int writes,
    List<EntryStatus> entries,
    List<String> failures,
    int processesSpawned,
    Duration took,
    List<GuestDevice> guestDevices,
    List<CopyDrops> copyDrops) {
  public ConvergeReport {
    copyDrops = copyDrops == null ? List.of() : List.copyOf(copyDrops);
    driftFound = List.copyOf(driftFound);
    entries = List.copyOf(entries);
    failures = List.copyOf(failures);
    guestDevices = guestDevices == null ? null : List.copyOf(guestDevices);
  }

  /** A report without copy conditioners' drops. */
  public ConvergeReport(
      List<DriftItem> driftFound,
      int writes,
      List<EntryStatus> entries,
      List<String> failures,
      int processesSpawned,
      Duration took,
      List<GuestDevice> guestDevices) {
    this(driftFound, writes, entries, failures, processesSpawned, took, guestDevices, List.of());
  }

  /** A report that did not look at every device (a narrow converge): guest devices unknown. */
  public ConvergeReport(
      List<DriftItem> driftFound,
      int writes,
      List<EntryStatus> entries,
      List<String> failures,
      int processesSpawned,
      Duration took) {
    this(driftFound, writes, entries, failures, processesSpawned, took, null);
  }

  public boolean converged() {
    return failures.isEmpty();
  }
}
