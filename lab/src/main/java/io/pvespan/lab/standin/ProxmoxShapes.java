package io.pvespan.lab.standin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.GuestType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Renders an {@link Inventory} in the exact shapes of the Proxmox API's {@code data} (pve-docs
 * {@code apidata.js}; real captures in {@code test-fixtures/pve/}): booleans as 0/1, tags joined
 * with {@code ;}, {@code id: "qemu/101"}, {@code netN} property strings as qemu-server and
 * pve-container print them, and a SHA-1 {@code digest} of the config.
 */
final class ProxmoxShapes {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private ProxmoxShapes() {}

  /**
   * {@code /cluster/status}: a cluster entry (unless standalone), then one entry per node; a
   * standalone node answers a single entry with {@code nodeid 0} (pve-manager {@code
   * PVE/API2/Cluster.pm}, {@code get_status}).
   */
  static ArrayNode clusterStatus(Inventory inv, boolean standalone) {
    ArrayNode out = MAPPER.createArrayNode();
    if (!standalone) {
      out.addObject()
          .put("type", "cluster")
          .put("id", "cluster")
          .put("name", "standin")
          .put("nodes", inv.nodes().size())
          .put("quorate", 1)
          .put("version", 1);
    }
    int nodeid = 1;
    for (InventoryNode n : inv.nodes()) {
      ObjectNode e = out.addObject();
      e.put("type", "node")
          .put("id", "node/" + n.name())
          .put("name", n.name())
          .put("nodeid", standalone ? 0 : nodeid)
          .put("online", n.online() ? 1 : 0)
          .put("local", nodeid == 1 ? 1 : 0)
          .put("level", "");
      if (n.address() != null) {
        e.put("ip", n.address());
      }
      nodeid++;
    }
    return out;
  }

  /** {@code /cluster/resources}; {@code vmOnly} for {@code ?type=vm}. */
  static ArrayNode clusterResources(Inventory inv, boolean vmOnly) {
    ArrayNode out = MAPPER.createArrayNode();
    for (Guest g : inv.guests()) {
      ObjectNode e = out.addObject();
      e.put("id", g.type().json() + "/" + g.vmid())
          .put("type", g.type().json())
          .put("vmid", g.vmid().value())
          .put("node", g.node())
          .put("status", g.status())
          .put("template", g.template() ? 1 : 0)
          .put("maxcpu", 1)
          .put("maxmem", 536870912L)
          .put("uptime", g.running() ? 3600 : 0);
      if (g.name() != null) {
        e.put("name", g.name());
      }
      if (!g.tags().isEmpty()) {
        e.put("tags", String.join(";", g.tags()));
      }
      if (g.pool() != null) {
        e.put("pool", g.pool());
      }
      if (g.lock() != null) {
        e.put("lock", g.lock());
      }
    }
    if (!vmOnly) {
      for (InventoryNode n : inv.nodes()) {
        out.addObject()
            .put("id", "node/" + n.name())
            .put("type", "node")
            .put("node", n.name())
            .put("status", n.online() ? "online" : "offline")
            .put("level", "");
      }
    }
    return out;
  }

  /** {@code /nodes/{node}/{qemu|lxc}/{vmid}/config}. */
  static ObjectNode config(Guest g) {
    ObjectNode c = MAPPER.createObjectNode();
    if (g.type() == GuestType.QEMU) {
      c.put("cores", 1).put("memory", 512).put("ostype", "l26");
      if (g.name() != null) {
        c.put("name", g.name());
      }
    } else {
      c.put("arch", "amd64").put("cores", 1).put("memory", 512).put("ostype", "debian");
      if (g.name() != null) {
        c.put("hostname", g.name());
      }
    }
    for (GuestNic nic : g.nics()) {
      c.put(nic.id().key(), g.type() == GuestType.QEMU ? qemuNet(nic) : lxcNet(nic));
    }
    if (!g.tags().isEmpty()) {
      c.put("tags", String.join(";", g.tags()));
    }
    if (g.lock() != null) {
      c.put("lock", g.lock());
    }
    if (g.template()) {
      c.put("template", 1);
    }
    c.put("digest", sha1(c.toString()));
    return c;
  }

  /**
   * qemu-server {@code print_net}: the model's alias key carrying the MAC first, then the other
   * keys in sorted order (pve-common {@code print_property_string}).
   */
  static String qemuNet(GuestNic nic) {
    List<String> parts = new ArrayList<>();
    parts.add(nic.mac() == null ? "virtio" : "virtio=" + nic.mac());
    addCommon(parts, nic);
    return String.join(",", parts);
  }

  /** pve-container: {@code name} first, then sorted keys, {@code type=veth} last by sort. */
  static String lxcNet(GuestNic nic) {
    List<String> parts = new ArrayList<>();
    parts.add("name=eth" + nic.id().index());
    if (nic.bridge() != null) {
      parts.add("bridge=" + nic.bridge());
    }
    if (nic.firewall()) {
      parts.add("firewall=1");
    }
    if (nic.mac() != null) {
      parts.add("hwaddr=" + nic.mac());
    }
    parts.add("ip=dhcp");
    tail(parts, nic);
    parts.add("type=veth");
    return String.join(",", parts);
  }

  private static void addCommon(List<String> parts, GuestNic nic) {
    if (nic.bridge() != null) {
      parts.add("bridge=" + nic.bridge());
    }
    if (nic.firewall()) {
      parts.add("firewall=1");
    }
    tail(parts, nic);
  }

  private static void tail(List<String> parts, GuestNic nic) {
    if (nic.mtu() != null) {
      parts.add("mtu=" + nic.mtu());
    }
    if (nic.rate() != null) {
      parts.add("rate=" + BigDecimal.valueOf(nic.rate()).stripTrailingZeros().toPlainString());
    }
    if (nic.tag() != null) {
      parts.add("tag=" + nic.tag());
    }
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
