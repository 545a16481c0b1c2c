package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.ObservedLink;
import io.pvespan.model.InterfaceName;
import io.pvespan.status.GuestDevice;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Proxmox's names for guest host devices: {@code tap<vmid>i<n>} (qemu) and {@code veth<vmid>i<n>}
 * (lxc). The only devices Proxmox plugs with its rate-limit sequence, and the ones the agent
 * reports so the controller notices NICs and guests it did not expect.
 */
public final class GuestDevices {
  private static final Pattern NAME = Pattern.compile("(?:tap|veth)[1-9][0-9]{0,8}i[0-9]{1,2}");

  private GuestDevices() {}

  public static boolean isGuestDevice(InterfaceName name) {
    return NAME.matcher(name.value()).matches();
  }

  public static boolean isGuestDevice(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The guest devices among {@code links}, sorted by name (links without an ifindex skipped). */
  public static List<GuestDevice> of(Collection<ObservedLink> links) {
    return links.stream()
        .filter(l -> l.ifindex() > 0 && isGuestDevice(l.name()))
        .map(l -> new GuestDevice(l.name(), l.ifindex()))
        .sorted(Comparator.comparing(GuestDevice::device))
        .toList();
  }
}
