package io.pvespan.status;

import io.pvespan.spec.SpecApi;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an agent reports ({@code GET /v1/status}): the plan it applied (generation and digest), the
 * state of every planned entry with its counters, drift between plan and kernel, what the kernel
 * offers, conditions (Ready, Converged, ...; never a phase string), and the guest devices present
 * on the node ({@link GuestDevice}), so the controller notices NICs and guests it did not expect.
 */
public record NodeMirrorStatus(
    String apiVersion,
    String kind,
    String node,
    long appliedGeneration,
    String appliedDigest,
    Instant observedAt,
    List<EntryStatus> entries,
    List<DriftItem> drift,
    KernelCapabilities capabilities,
    List<Condition> conditions,
    List<GuestDevice> guestDevices,
    CanaryStatus canaries) {
  public static final String KIND = "NodeMirrorStatus";

  public NodeMirrorStatus {
    apiVersion = apiVersion == null ? SpecApi.VERSION : apiVersion;
    kind = kind == null ? KIND : kind;
    Objects.requireNonNull(node, "node");
    entries = entries == null ? List.of() : List.copyOf(entries);
    drift = drift == null ? List.of() : List.copyOf(drift);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
    guestDevices = guestDevices == null ? List.of() : List.copyOf(guestDevices);
  }

  /** A status without canaries (an agent that sends none, or one older than them). */
  public NodeMirrorStatus(
      String apiVersion,
      String kind,
      String node,
      long appliedGeneration,
      String appliedDigest,
      Instant observedAt,
      List<EntryStatus> entries,
      List<DriftItem> drift,
      KernelCapabilities capabilities,
      List<Condition> conditions,
      List<GuestDevice> guestDevices) {
    this(
        apiVersion,
        kind,
        node,
        appliedGeneration,
        appliedDigest,
        observedAt,
        entries,
        drift,
        capabilities,
        conditions,
        guestDevices,
        null);
  }

  /** This status with {@code canaries} instead of its own. */
  public NodeMirrorStatus withCanaries(CanaryStatus canaries) {
    return new NodeMirrorStatus(
        apiVersion,
        kind,
        node,
        appliedGeneration,
        appliedDigest,
        observedAt,
        entries,
        drift,
        capabilities,
        conditions,
        guestDevices,
        canaries);
  }

  /** A status that lists no guest devices. */
  public NodeMirrorStatus(
      String apiVersion,
      String kind,
      String node,
      long appliedGeneration,
      String appliedDigest,
      Instant observedAt,
      List<EntryStatus> entries,
      List<DriftItem> drift,
      KernelCapabilities capabilities,
      List<Condition> conditions) {
    this(
        apiVersion,
        kind,
        node,
        appliedGeneration,
        appliedDigest,
        observedAt,
        entries,
        drift,
        capabilities,
        conditions,
        List.of());
  }
}
