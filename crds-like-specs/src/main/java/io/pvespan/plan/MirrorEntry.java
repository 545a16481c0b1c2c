package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.Sample;
import io.pvespan.model.VmId;
import io.pvespan.spec.FilterRule;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Mirror one guest NIC's host device ({@code interface}) to {@code target}, in {@code direction} as
 * seen from the VM. {@code state} is {@link EntryState#WAITING} for a guest that is not running:
 * the agent mirrors the device the moment it appears. {@code filter} empty: everything. {@code
 * rateLimited}: the NIC has Proxmox's {@code rate=}, so Proxmox's plug puts its own root htb and
 * ingress qdiscs on the device and the agent must wait for them rather than create its own.
 *
 * <p>{@code standbyTargets} (empty unless the sensor VM is roaming: live-migrating, or on a node
 * that is offline): where copies must also go, in the same filter as {@code target}, because the
 * sensor may resume on another node before the controller notices. Each is the sensor's device on
 * this node ({@link LocalTarget}: absent until the sensor resumes here; mirror into it the moment
 * it appears) or a SEND tunnel listed in the plan's {@code tunnels}; never equal to {@code target}.
 *
 * <p>{@code sample} (null: every frame): the session's {@code sample: 1/N}, applied after {@code
 * filter}. {@code filter} rules carry their own {@code direction}; the agent compiles for each tc
 * hook only the rules that apply to it.
 *
 * <p>{@code exclusions} (each packet once per sensor, see {@link Exclusion}): frames this entry
 * must not copy on one side because another capture point already delivers them to the same sensor.
 *
 * <p>{@code share} (null unless the session feeds a sensor group): this entry copies only the
 * frames whose symmetric flow hash falls in its member's share; the same device, session and
 * direction then has one entry per live member, each with its own {@code share.index} and target.
 *
 * <p>{@code conditioner} (null: copies go out whole, unshaped, untagged): the session's {@code
 * snaplen}, {@code budget} and {@code vlan}, applied by the agent's copy conditioner to the copies
 * only.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MirrorEntry(
    String session,
    VmId vmid,
    NicId nic,
    @com.fasterxml.jackson.annotation.JsonProperty("interface") InterfaceName device,
    Direction direction,
    EntryState state,
    MirrorTarget target,
    List<FilterRule> filter,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean rateLimited,
    List<MirrorTarget> standbyTargets,
    Sample sample,
    List<Exclusion> exclusions,
    Share share,
    Conditioner conditioner) {
  static final Comparator<MirrorEntry> ORDER =
      Comparator.comparing(MirrorEntry::device)
          .thenComparing(MirrorEntry::session)
          .thenComparing(MirrorEntry::direction)
          .thenComparingInt(e -> e.share() == null ? -1 : e.share().index());

  public MirrorEntry {
    Objects.requireNonNull(session, "session");
    if (session.isEmpty()) {
      // Empty fields are left out when written (NON_EMPTY): an empty session would not read back.
      throw new IllegalArgumentException("mirror " + device + ": the session name is empty");
    }
    Objects.requireNonNull(vmid, "vmid");
    Objects.requireNonNull(nic, "nic");
    Objects.requireNonNull(device, "interface");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(target, "target");
    filter = filter == null ? List.of() : List.copyOf(filter);
    rateLimited = Boolean.TRUE.equals(rateLimited); // absent in JSON: no rate limit
    standbyTargets = standbyTargets == null ? List.of() : List.copyOf(standbyTargets);
    if (sample != null && sample.everything()) {
      sample = null; // 1/1: every frame, written as no sample
    }
    if (standbyTargets.contains(target)) {
      throw new IllegalArgumentException(
          "mirror " + session + " " + device + ": standby target " + target + " is the target");
    }
    exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    for (Exclusion e : exclusions) {
      boolean mirrored =
          e.side() == Direction.INGRESS
              ? direction.includesVmIngress()
              : direction.includesVmEgress();
      if (!mirrored) {
        throw new IllegalArgumentException(
            "mirror "
                + session
                + " "
                + device
                + ": an exclusion on side "
                + e.side().json()
                + ", which direction "
                + direction.json()
                + " does not mirror");
      }
    }
  }

  /** An entry without a group share (the session feeds one sensor) or a copy conditioner. */
  public MirrorEntry(
      String session,
      VmId vmid,
      NicId nic,
      InterfaceName device,
      Direction direction,
      EntryState state,
      MirrorTarget target,
      List<FilterRule> filter,
      Boolean rateLimited,
      List<MirrorTarget> standbyTargets,
      Sample sample,
      List<Exclusion> exclusions) {
    this(
        session,
        vmid,
        nic,
        device,
        direction,
        state,
        target,
        filter,
        rateLimited,
        standbyTargets,
        sample,
        exclusions,
        null,
        null);
  }

  /** This entry as member {@code share}'s part of a sensor group's copies. */
  public MirrorEntry withShare(Share share) {
    return new MirrorEntry(
        session,
        vmid,
        nic,
        device,
        direction,
        state,
        target,
        filter,
        rateLimited,
        standbyTargets,
        sample,
        exclusions,
        share,
        conditioner);
  }

  /** This entry with {@code conditioner} instead of its own. */
  public MirrorEntry conditioned(Conditioner conditioner) {
    return new MirrorEntry(
        session,
        vmid,
        nic,
        device,
        direction,
        state,
        target,
        filter,
        rateLimited,
        standbyTargets,
        sample,
        exclusions,
        share,
        conditioner);
  }

  /** An entry with sampling, without exclusions. */
  public MirrorEntry(
      String session,
      VmId vmid,
      NicId nic,
      InterfaceName device,
      Direction direction,
      EntryState state,
      MirrorTarget target,
      List<FilterRule> filter,
      Boolean rateLimited,
      List<MirrorTarget> standbyTargets,
      Sample sample) {
    this(
        session,
        vmid,
        nic,
        device,
        direction,
        state,
        target,
        filter,
        rateLimited,
        standbyTargets,
        sample,
        List.of());
  }

  /** This entry with {@code direction} and {@code exclusions} instead of its own. */
  public MirrorEntry deduplicated(Direction direction, List<Exclusion> exclusions) {
    return new MirrorEntry(
        session,
        vmid,
        nic,
        device,
        direction,
        state,
        target,
        filter,
        rateLimited,
        standbyTargets,
        sample,
        exclusions,
        share,
        conditioner);
  }

  /** The exclusions for one side ({@link Direction#INGRESS} or {@link Direction#EGRESS}). */
  public List<Exclusion> exclusionsOn(Direction side) {
    return exclusions.stream().filter(e -> e.side() == side).toList();
  }

  /** An entry that copies every frame its filter accepts (no sampling, no exclusions). */
  public MirrorEntry(
      String session,
      VmId vmid,
      NicId nic,
      InterfaceName device,
      Direction direction,
      EntryState state,
      MirrorTarget target,
      List<FilterRule> filter,
      Boolean rateLimited,
      List<MirrorTarget> standbyTargets) {
    this(
        session,
        vmid,
        nic,
        device,
        direction,
        state,
        target,
        filter,
        rateLimited,
        standbyTargets,
        (Sample) null,
        List.of());
  }

  /** An entry without standby targets (the sensor VM is not roaming). */
  public MirrorEntry(
      String session,
      VmId vmid,
      NicId nic,
      InterfaceName device,
      Direction direction,
      EntryState state,
      MirrorTarget target,
      List<FilterRule> filter,
      Boolean rateLimited) {
    this(session, vmid, nic, device, direction, state, target, filter, rateLimited, List.of());
  }

  /** An entry for a NIC without Proxmox's {@code rate=} limit. */
  public MirrorEntry(
      String session,
      VmId vmid,
      NicId nic,
      InterfaceName device,
      Direction direction,
      EntryState state,
      MirrorTarget target,
      List<FilterRule> filter) {
    this(session, vmid, nic, device, direction, state, target, filter, false, List.of());
  }
}
