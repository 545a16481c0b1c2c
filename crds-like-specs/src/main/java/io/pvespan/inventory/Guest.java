package io.pvespan.inventory;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A qemu VM or lxc container. {@code status} is Proxmox's ({@code running}, {@code stopped}, ...);
 * {@code lock} is Proxmox's config lock ({@code migrate} during a migration), null when none.
 * {@code tags} are already split (Proxmox joins them with {@code ;}, accepting {@code ,} and
 * spaces). NICs are sorted by id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Guest(
    VmId vmid,
    GuestType type,
    String node,
    String status,
    String name,
    List<String> tags,
    String pool,
    boolean template,
    String lock,
    List<GuestNic> nics) {
  public Guest {
    Objects.requireNonNull(vmid, "vmid");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(node, "node");
    status = status == null ? "unknown" : status;
    tags = tags == null ? List.of() : List.copyOf(tags);
    nics =
        nics == null
            ? List.of()
            : nics.stream().sorted(Comparator.comparing(GuestNic::id)).toList();
  }

  @JsonIgnore
  public boolean running() {
    return "running".equals(status);
  }

  /** The host device Proxmox creates for this NIC, whatever the firewall setting. */
  public InterfaceName device(NicId nic) {
    return InterfaceName.forGuestNic(type, vmid, nic);
  }

  public GuestNic nic(NicId id) {
    return nics.stream().filter(n -> n.id().equals(id)).findFirst().orElse(null);
  }
}
