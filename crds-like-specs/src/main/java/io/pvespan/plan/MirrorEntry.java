package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.spec.FilterRule;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Mirror one guest NIC's host device ({@code interface}) to {@code target}, in {@code direction} as
 * seen from the VM. {@code state} is {@link EntryState#WAITING} for a guest that is not running:
 * the agent mirrors the device the moment it appears. {@code filter} empty: everything.
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
    List<FilterRule> filter) {
  static final Comparator<MirrorEntry> ORDER =
      Comparator.comparing(MirrorEntry::device)
          .thenComparing(MirrorEntry::session)
          .thenComparing(MirrorEntry::direction);

  public MirrorEntry {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(vmid, "vmid");
    Objects.requireNonNull(nic, "nic");
    Objects.requireNonNull(device, "interface");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(target, "target");
    filter = filter == null ? List.of() : List.copyOf(filter);
  }
}
