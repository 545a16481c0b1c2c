package io.pvespan.controller.devices;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.Inventory;
import io.pvespan.model.GuestNicDevice;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.VmId;
import io.pvespan.status.GuestDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Compares the guest devices an agent reports with the inventory, and says what to read again
 * ({@link DeviceAction}). No I/O and no clock; one instance remembers, per node, the last ifindex
 * seen for each guest device.
 *
 * <p>It reacts to <em>sightings</em>, not to levels: a device asks for something only when it is
 * seen on a node at an ifindex not seen there before (the device appeared, or Proxmox plugged it
 * again), so one plug costs at most one action however many reports follow, and a device the
 * inventory keeps disagreeing with (the source tap of a finished migration, until Proxmox stops the
 * source) costs nothing more. What a sighting leaves unexplained is the regular poll's and the
 * rolling config refresh's to catch. Devices of guests no spec could select and no sensor uses
 * ({@code interest}) cost nothing; a device of a guest the inventory does not know asks for a poll,
 * since only the poll can say whether a spec selects it.
 *
 * <p>Thread-safe: reports of different nodes may arrive concurrently.
 */
public final class GuestDeviceWatch {
  /** Per node: device → last ifindex seen. */
  private final Map<String, Map<InterfaceName, Integer>> seen = new HashMap<>();

  /**
   * One agent's report.
   *
   * @param interest the guests the specs need NICs for (sees guests without NICs); a guest counts
   *     when it is of interest where the inventory has it or on the reporting node
   */
  public synchronized List<DeviceAction> observe(
      String node, List<GuestDevice> devices, Inventory inventory, Predicate<Guest> interest) {
    Map<VmId, Guest> guests = new HashMap<>();
    inventory.guests().forEach(g -> guests.put(g.vmid(), g));
    Map<InterfaceName, Integer> last = seen.computeIfAbsent(node, n -> new HashMap<>());
    Map<InterfaceName, Integer> next = new HashMap<>();
    List<DeviceAction> actions = new ArrayList<>();
    for (GuestDevice d : devices) {
      GuestNicDevice parsed = GuestNicDevice.parse(d.device()).orElse(null);
      if (parsed == null) {
        continue;
      }
      next.put(d.device(), d.ifindex());
      Integer before = last.get(d.device());
      if (before != null && before == d.ifindex()) {
        continue;
      }
      DeviceAction a = sighting(node, d, parsed, before, guests.get(parsed.vmid()), interest);
      if (a != null) {
        actions.add(a);
      }
    }
    // A device missing from one report may be between Proxmox's unplug and plug: keep its ifindex
    // while the inventory still places its guest here, so its return counts as a re-plug.
    last.forEach(
        (device, ifindex) -> {
          if (!next.containsKey(device)) {
            Guest g = guests.get(GuestNicDevice.parse(device).orElseThrow().vmid());
            if (g != null && g.node().equals(node)) {
              next.put(device, ifindex);
            }
          }
        });
    seen.put(node, next);
    return actions;
  }

  /** Forgets a node (it left the cluster). */
  public synchronized void forget(String node) {
    seen.remove(node);
  }

  private static DeviceAction sighting(
      String node,
      GuestDevice d,
      GuestNicDevice parsed,
      Integer before,
      Guest g,
      Predicate<Guest> interest) {
    if (g == null) {
      return new DeviceAction.PollCluster(
          node, d.device(), "guest " + parsed.vmid() + " is not in the inventory");
    }
    if (!interest.test(g) && !interest.test(on(g, node))) {
      return null;
    }
    if (g.type() != parsed.type()) {
      return new DeviceAction.PollCluster(
          node, d.device(), "guest " + g.vmid() + " is a " + g.type().json() + " guest");
    }
    if (!g.node().equals(node)) {
      return new DeviceAction.PollCluster(
          node, d.device(), "guest " + g.vmid() + " is on " + g.node() + " in the inventory");
    }
    if (!g.running()) {
      return new DeviceAction.PollCluster(
          node, d.device(), "guest " + g.vmid() + " is " + g.status() + " in the inventory");
    }
    if (g.nic(parsed.nic()) == null) {
      return new DeviceAction.ReadConfig(
          node, d.device(), g.vmid(), parsed.nic() + " is not in the inventory");
    }
    if (before != null) {
      return new DeviceAction.ReadConfig(
          node,
          d.device(),
          g.vmid(),
          "plugged again (ifindex " + before + " -> " + d.ifindex() + ")");
    }
    return null;
  }

  private static Guest on(Guest g, String node) {
    return new Guest(
        g.vmid(),
        g.type(),
        node,
        g.status(),
        g.name(),
        g.tags(),
        g.pool(),
        g.template(),
        g.lock(),
        List.of());
  }
}
