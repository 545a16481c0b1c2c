package io.pvespan.controller.planner;

import io.pvespan.model.Vni;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SensorGroup;
import io.pvespan.spec.SpecSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tunnel ids (VNI for VXLAN/Geneve, key for the GRE family) of sessions that feed a sensor VM in
 * the cluster, one per session and <em>sensor node</em>: the id of the tunnels that carry session
 * {@code s}'s copies into its sensor on node {@code c} (every source node's SEND tunnel to {@code
 * c} and the RECEIVE tunnel on {@code c}) depends only on {@code s} and {@code c}: the first 3
 * bytes of SHA-256 of {@code s@c}, mapped into 1..16777215 (a valid VNI and a valid key).
 *
 * <p>Why the sensor's node is part of it: while a sensor VM roams (live migration, HA), copies go
 * through standby tunnels to every node it may resume on; once it has settled on one of them, the
 * tunnel that carried its copies there during the move is exactly the settled plan's tunnel (same
 * device name, id, local and remote address). The unlock then only removes the other standby
 * tunnels, and no agent re-points a tunnel or a delivery while copies flow through it. A plan
 * remains a function of the inventory: where the sensor came from plays no part.
 *
 * <p>Stability: ids of explicit remote collectors are avoided, and a collision moves the later
 * (session, node) pair, walked sorted by session then node name, to the next free id. So a source
 * guest migrating, a node going offline or a session being paused renumbers nothing; the sensor VM
 * moving to another node changes the session's tunnels to that node's (which its standby tunnels
 * already used during the move); and only adding a session, collector or node whose id collides can
 * move an existing one.
 */
final class TunnelIdAllocator {
  private TunnelIdAllocator() {}

  /**
   * Ids by session name, then by node name: for every session (paused too) whose sensor is a VM and
   * every node in {@code nodes}, an id distinct from every other one and from every collector's.
   */
  static Map<String, Map<String, Long>> allocate(SpecSet specs, Collection<String> nodes) {
    Map<String, Sensor> sensors = new TreeMap<>();
    Set<Long> used = new HashSet<>();
    for (Sensor sensor : specs.sensors()) {
      sensors.put(sensor.name(), sensor);
      RemoteCollector remote = sensor.spec().remote();
      if (remote != null) {
        if (remote.vni() != null) {
          used.add((long) remote.vni().value());
        }
        if (remote.key() != null) {
          used.add(remote.key());
        }
      }
    }
    Set<String> sortedNodes = new TreeSet<>(nodes);
    Map<String, Map<String, Long>> ids = new TreeMap<>();
    // specs.sessions() is sorted by name and the nodes are: the collision order is fixed.
    for (MirrorSession session : specs.sessions()) {
      SensorGroup group = specs.group(session.spec().sensorRef());
      // A group's session has tunnels of its own into each member: two members on one node must
      // not share a RECEIVE tunnel (its delivery goes into one sensor).
      List<String> keys =
          group == null
              ? List.of(session.name())
              : group.spec().members().stream().map(m -> memberKey(session.name(), m)).toList();
      List<String> refs =
          group == null ? List.of(session.spec().sensorRef()) : group.spec().members();
      for (int k = 0; k < keys.size(); k++) {
        Sensor sensor = sensors.get(refs.get(k));
        if (sensor == null || sensor.spec().vm() == null) {
          continue;
        }
        Map<String, Long> byNode = new TreeMap<>();
        for (String node : sortedNodes) {
          long id = hashId(name(keys.get(k), node));
          while (!used.add(id)) {
            id = id % Vni.MAX + 1;
          }
          byNode.put(node, id);
        }
        ids.put(keys.get(k), byNode);
      }
    }
    return ids;
  }

  /**
   * The key of a group session's tunnel ids into {@code member} (hashed as {@code s/m@c}; a '/' is
   * in no session name, so no single-sensor session has it).
   */
  static String memberKey(String session, String member) {
    return session + "/" + member;
  }

  /** What the id of {@code session}'s tunnels into a sensor on {@code node} is hashed from. */
  static String name(String session, String node) {
    return session + "@" + node;
  }

  /** 1..16777215 from the first 3 bytes of SHA-256 of the UTF-8 name. */
  static long hashId(String name) {
    byte[] h = sha256().digest(name.getBytes(StandardCharsets.UTF_8));
    long raw = ((h[0] & 0xFFL) << 16) | ((h[1] & 0xFFL) << 8) | (h[2] & 0xFFL);
    return raw % Vni.MAX + 1;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
