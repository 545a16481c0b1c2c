package io.pvespan.controller.planner;

import io.pvespan.inventory.Guest;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.Encapsulation;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.Vni;
import java.util.List;
import java.util.Map;

/** Where one session's copies go, resolved against the inventory. */
sealed interface SensorTarget {
  /** The concrete encapsulation used when copies cross hosts (never AUTO). */
  Encapsulation encapsulation();

  /** The sensor's name (for messages). */
  String sensor();

  /**
   * A sensor VM in the cluster: its {@code device} on {@code node}; sources elsewhere reach it
   * through tunnels with id {@code id()}. A roaming sensor ({@link Roaming}) may resume on any of
   * the {@code standby} nodes (sorted, never {@code node}) before the controller notices: copies
   * also go there, through tunnels with that node's id {@code idOn(n)}; empty when it is not
   * roaming. {@code ids} holds the session's tunnel id for a sensor on each node ({@link
   * TunnelIdAllocator}): the tunnels into a standby node are the ones the settled plan uses once
   * the sensor has resumed there.
   */
  record VmSensor(
      String sensor,
      Guest guest,
      InterfaceName device,
      InventoryNode node,
      Encapsulation encapsulation,
      Map<String, Long> ids,
      List<InventoryNode> standby)
      implements SensorTarget {
    /** The id of the tunnels into the sensor on its node. */
    long id() {
      return idOn(node.name());
    }

    /** The id of the tunnels into the sensor should it run on {@code nodeName}. */
    long idOn(String nodeName) {
      Long id = ids.get(nodeName);
      if (id == null) {
        throw new IllegalStateException("no tunnel id for node " + nodeName);
      }
      return id;
    }
  }

  /** A collector outside the cluster at {@code address}; every source node sends to it. */
  record Collector(String sensor, String address, Encapsulation encapsulation, long id)
      implements SensorTarget {}

  /** The VNI (VXLAN, Geneve) for {@code id}, or null for the keyed GRE family. */
  static Vni vni(Encapsulation encapsulation, long id) {
    return encapsulation.keyed() ? null : Vni.of((int) id);
  }

  /** The key (GRE family) for {@code id}, or null for VXLAN and Geneve. */
  static Long key(Encapsulation encapsulation, long id) {
    return encapsulation.keyed() ? id : null;
  }
}
