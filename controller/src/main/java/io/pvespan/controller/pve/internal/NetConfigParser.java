package io.pvespan.controller.pve.internal;

import io.pvespan.inventory.GuestNic;
import io.pvespan.model.GuestType;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses a guest's {@code netN} property string into a {@link GuestNic}.
 *
 * <p>qemu (qemu-server {@code PVE::QemuServer::Network}, {@code $net_fmt}): {@code model} is the
 * default key, and each model name is an alias key whose value is the MAC, so {@code
 * virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1,tag=10,rate=100,mtu=9000,link_down=1,queues=4}
 * and {@code model=virtio,macaddr=...} mean the same; a bare {@code virtio} is a model without MAC.
 * {@code mtu=1} means "the bridge's MTU".
 *
 * <p>lxc (pve-container {@code PVE::LXC::Config}, {@code $netconf_desc}): {@code
 * name=eth0,bridge=vmbr0,hwaddr=...,ip=dhcp,type=veth,firewall=1,rate=,mtu=,tag=,trunks=,link_down=}.
 *
 * <p>Keys this planner does not need are accepted and ignored, so a newer Proxmox does not break
 * the inventory; malformed values of the keys it uses are errors naming the key.
 */
public final class NetConfigParser {
  /** The NIC models qemu-server accepts as alias keys ({@code $nic_model_list}). */
  static final Set<String> QEMU_MODELS =
      Set.of(
          "e1000",
          "e1000-82540em",
          "e1000-82544gc",
          "e1000-82545em",
          "e1000e",
          "i82551",
          "i82557b",
          "i82559er",
          "ne2k_isa",
          "ne2k_pci",
          "pcnet",
          "rtl8139",
          "virtio",
          "vmxnet3");

  private NetConfigParser() {}

  /**
   * Parses one {@code netN} value.
   *
   * @throws IllegalArgumentException {@code netN: message}, one line
   */
  public static GuestNic parse(GuestType type, NicId id, String value) {
    try {
      Map<String, String> kv = split(type, value);
      String mac = type == GuestType.QEMU ? kv.get("macaddr") : kv.get("hwaddr");
      if (mac != null && !mac.matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
        throw new IllegalArgumentException("'" + mac + "' is not a MAC address");
      }
      Integer mtu = integer(kv, "mtu", 1, 65520);
      if (type == GuestType.QEMU && mtu != null && mtu == 1) {
        mtu = null; // qemu-server: 1 means "use the bridge MTU"
      }
      return new GuestNic(
          id,
          bridge(kv),
          mac == null ? null : mac.toUpperCase(Locale.ROOT),
          kv.containsKey("firewall") && bool(kv, "firewall"),
          rate(kv),
          mtu,
          integer(kv, "tag", 1, 4094));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          oneLine(id + ": " + e.getMessage() + " in '" + value + "'"));
    }
  }

  /**
   * The bridge, a Linux interface name (Proxmox's {@code pve-bridge-id}); empty is absent. It is
   * carried into inventories and status, so a spoofed API must not smuggle other text through it.
   */
  private static String bridge(Map<String, String> kv) {
    String v = kv.get("bridge");
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return InterfaceName.of(v).value();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bridge '" + v + "' is not a Linux interface name");
    }
  }

  /** The message quotes the value, which may hold line breaks: escape controls to keep one line. */
  private static String oneLine(String message) {
    StringBuilder out = new StringBuilder(message.length());
    message
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }

  private static Map<String, String> split(GuestType type, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("empty value");
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : value.strip().split(",")) {
      if (part.isEmpty()) {
        throw new IllegalArgumentException("empty item");
      }
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      String val = eq < 0 ? null : part.substring(eq + 1);
      if (type == GuestType.QEMU && QEMU_MODELS.contains(key)) {
        put(kv, "model", key);
        if (val != null && !val.isEmpty()) {
          put(kv, "macaddr", val);
        }
      } else if (val == null) {
        if (type == GuestType.QEMU && kv.isEmpty()) {
          throw new IllegalArgumentException("unknown NIC model '" + key + "'");
        }
        throw new IllegalArgumentException("'" + key + "' has no value (key=value expected)");
      } else if (!key.matches("[a-z][a-z0-9_-]*")) {
        throw new IllegalArgumentException("'" + key + "' is not a key");
      } else {
        put(kv, key, val);
      }
    }
    if (type == GuestType.QEMU && !kv.containsKey("model")) {
      throw new IllegalArgumentException("no NIC model (virtio=MAC, e1000=MAC, ... first)");
    }
    if (type == GuestType.QEMU && !QEMU_MODELS.contains(kv.get("model"))) {
      throw new IllegalArgumentException("unknown NIC model '" + kv.get("model") + "'");
    }
    return kv;
  }

  private static void put(Map<String, String> kv, String key, String val) {
    if (kv.putIfAbsent(key, val) != null) {
      throw new IllegalArgumentException("'" + key + "' given twice");
    }
  }

  private static boolean bool(Map<String, String> kv, String key) {
    try {
      return Tolerant.parseBool(kv.get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static Integer integer(Map<String, String> kv, String key, int min, int max) {
    String v = kv.get(key);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(key + " " + n + " is outside " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " '" + v + "' is not a number");
    }
  }

  private static Double rate(Map<String, String> kv) {
    String v = kv.get("rate");
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      double d = Double.parseDouble(v);
      if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("rate '" + v + "' is not a number of MB/s");
    }
  }
}
