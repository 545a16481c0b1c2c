package io.pvespan.controller.planner;

import io.pvespan.model.Vni;
import io.pvespan.spec.MirrorSession;
import io.pvespan.spec.RemoteCollector;
import io.pvespan.spec.Sensor;
import io.pvespan.spec.SpecSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tunnel ids (VNI for VXLAN/Geneve, key for the GRE family) of sessions that feed a sensor VM in
 * the cluster. The id depends only on the session's name: the first 3 bytes of SHA-256(name),
 * mapped into 1..16777215 (so it is a valid VNI and a valid key). Ids used explicitly by remote
 * collectors are avoided; a collision moves the later session (in sorted name order) to the next
 * free id. So a guest migrating, a node going away or a session being paused never renumbers
 * another session: only adding a session or collector whose id collides can move one.
 *
 * <p>Standby ids ({@link #allocateStandby}) carry a roaming sensor's copies to the other nodes it
 * may resume on: one per session and node, from SHA-256 of {@code session@node}, allocated after
 * (and never moving) the ids above, so a migration never renumbers a session's tunnel; a standby id
 * moves only when a session, collector or node added collides with it.
 */
final class TunnelIdAllocator {
  private TunnelIdAllocator() {}

  /** Ids by session name, for every session (paused too) whose sensor is a VM. */
  static Map<String, Long> allocate(SpecSet specs) {
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
    Map<String, Long> ids = new TreeMap<>();
    // specs.sessions() is sorted by name: the collision order is fixed.
    for (MirrorSession session : specs.sessions()) {
      Sensor sensor = sensors.get(session.spec().sensorRef());
      if (sensor == null || sensor.spec().vm() == null) {
        continue;
      }
      long id = hashId(session.name());
      while (!used.add(id)) {
        id = id % Vni.MAX + 1;
      }
      ids.put(session.name(), id);
    }
    return ids;
  }

  /**
   * Standby ids by session and node name: for every session of {@code ids} and every node, an id
   * distinct from every id in {@code ids}, every collector's and every other standby id. Sessions
   * and nodes are walked sorted by name, so the collision order is fixed.
   */
  static Map<String, Map<String, Long>> allocateStandby(
      Map<String, Long> ids, Collection<Sensor> sensors, Collection<String> nodes) {
    Set<Long> used = new HashSet<>(ids.values());
    for (Sensor sensor : sensors) {
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
    List<String> sortedNodes = new ArrayList<>(new TreeSet<>(nodes));
    Map<String, Map<String, Long>> standby = new TreeMap<>();
    for (String session : new TreeSet<>(ids.keySet())) {
      Map<String, Long> byNode = new TreeMap<>();
      for (String node : sortedNodes) {
        long id = hashId(session + "@" + node);
        while (!used.add(id)) {
          id = id % Vni.MAX + 1;
        }
        byNode.put(node, id);
      }
      standby.put(session, byNode);
    }
    return standby;
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
