package io.pvespan.controller.planner;

import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.VmId;
import java.util.List;
import java.util.stream.Collectors;

/** The text of the planner's warnings: one line each, with the numbers and the fix. */
final class PlanWarnings {
  /** How many names a warning lists before it says "and N more". */
  static final int MAX_LISTED = 5;

  private PlanWarnings() {}

  /**
   * Source NICs whose frames no longer fit the underlay once encapsulated: {@code nicMtu + overhead
   * > underlayMtu}.
   */
  static String mtu(
      String session,
      String node,
      List<InterfaceName> devices,
      int nicMtu,
      Encapsulation encapsulation,
      int underlayMtu) {
    int needed = nicMtu + encapsulation.overheadBytes();
    int fits = underlayMtu - encapsulation.overheadBytes();
    String what =
        devices.size() == 1
            ? devices.get(0).value()
            : devices.size() + " NICs (" + list(devices) + ")";
    return "session "
        + session
        + ", node "
        + node
        + ": "
        + what
        + " MTU "
        + nicMtu
        + " + "
        + encapsulation.json()
        + " "
        + encapsulation.overheadBytes()
        + " B = "
        + needed
        + " > underlay MTU "
        + underlayMtu
        + ": mirrored frames over "
        + fits
        + " B are fragmented or dropped; raise the underlay MTU of "
        + node
        + " to at least "
        + needed
        + " or lower the guest NIC MTU to "
        + fits;
  }

  /** Several selected guests on one node, mirrored both ways: their mutual traffic twice. */
  static String duplicate(String session, String node, List<VmId> guests) {
    return "session "
        + session
        + ", node "
        + node
        + ": guests "
        + list(guests)
        + " are all selected with direction both; traffic between them reaches the sensor twice"
        + " (once from each end); select one side, or use direction ingress or egress";
  }

  /** Selected guests on a node that is offline: planned, applied when it is back. */
  static String offline(String session, String node, List<VmId> guests) {
    return "session "
        + session
        + ": "
        + guestsAre(guests)
        + " on offline node "
        + node
        + "; mirrors are planned and apply when the node is back";
  }

  /** Selected guests on a node the inventory does not know: nothing can be planned for them. */
  static String unknownNode(String session, String node, List<VmId> guests) {
    return "session "
        + session
        + ": "
        + guestsAre(guests)
        + " on node "
        + node
        + ", which is not in the inventory; nothing is planned there until the inventory has"
        + " that node";
  }

  /** A roaming source guest ({@link Roaming}): where its standby mirrors are. */
  static String roamingGuest(VmId guest, String reason, List<InventoryNode> standby) {
    return "guest "
        + guest
        + " "
        + reason
        + (standby.isEmpty()
            ? ": no other node is online for standby mirrors"
            : ": standby mirrors on " + list(names(standby)));
  }

  /** A roaming sensor VM ({@link Roaming}): where standby copies go. */
  static String roamingSensor(
      String sensor, VmId guest, String reason, List<InventoryNode> standby) {
    return "sensor "
        + sensor
        + ": guest "
        + guest
        + " "
        + reason
        + (standby.isEmpty()
            ? ": no other node is online to send standby copies to"
            : ": copies also go to its device on " + list(names(standby)) + " (standby)");
  }

  private static List<String> names(List<InventoryNode> nodes) {
    return nodes.stream().map(InventoryNode::name).toList();
  }

  private static String guestsAre(List<VmId> guests) {
    return guests.size() == 1
        ? "guest " + guests.get(0) + " is"
        : "guests " + list(guests) + " are";
  }

  static String list(List<?> items) {
    String shown =
        items.stream().limit(MAX_LISTED).map(Object::toString).collect(Collectors.joining(", "));
    return items.size() > MAX_LISTED
        ? shown + " and " + (items.size() - MAX_LISTED) + " more"
        : shown;
  }
}
