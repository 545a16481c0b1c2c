package io.pvespan.lab.standin;

import com.sun.net.httpserver.HttpExchange;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The stand-in's admin endpoints (documented on {@link ProxmoxStandIn}). */
final class StandInAdmin {
  private StandInAdmin() {}

  static void handle(ProxmoxStandIn standIn, HttpExchange ex, String action) throws IOException {
    Map<String, String> q = query(ex.getRequestURI().getRawQuery());
    boolean get = "GET".equals(ex.getRequestMethod());
    try {
      switch (action) {
        case "requests" -> {
          ProxmoxStandIn.sendData(ex, ProxmoxShapes.MAPPER.valueToTree(standIn.requestCounts()));
          return;
        }
        case "inventory" -> {
          ProxmoxStandIn.send(
              ex, 200, "{\"data\":" + InventoryJson.write(standIn.inventory()) + "}");
          return;
        }
        default -> {}
      }
      if (get) {
        ProxmoxStandIn.send(ex, 405, "{\"data\":null,\"message\":\"use POST\"}");
        return;
      }
      if (action.equals("node")) {
        standIn.setNodeOnline(required(q, "node"), flag(q, "online"));
        ProxmoxStandIn.send(ex, 200, "{\"data\":null}");
        return;
      }
      VmId vmid = VmId.of(Integer.parseInt(required(q, "vmid")));
      switch (action) {
        case "move" -> standIn.moveGuest(vmid, required(q, "node"), flag(q, "keepLock"));
        case "nic" -> nic(standIn, vmid, q);
        case "lock" -> standIn.setLock(vmid, blankToNull(q.get("lock")));
        case "status" -> standIn.setStatus(vmid, required(q, "status"));
        case "tags" -> standIn.setTags(vmid, tags(q.getOrDefault("tags", "")));
        default -> {
          ProxmoxStandIn.send(
              ex, 404, "{\"data\":null,\"message\":\"no admin action " + action + "\"}");
          return;
        }
      }
      ProxmoxStandIn.send(ex, 200, "{\"data\":null}");
    } catch (IllegalArgumentException e) {
      var body = ProxmoxShapes.MAPPER.createObjectNode().putNull("data");
      body.put("message", e.getMessage());
      ProxmoxStandIn.send(ex, 400, body.toString());
    }
  }

  private static void nic(ProxmoxStandIn standIn, VmId vmid, Map<String, String> q) {
    NicId id = NicId.parse(required(q, "net"));
    if (flag(q, "delete")) {
      standIn.removeNic(vmid, id);
      return;
    }
    standIn.setNic(
        vmid,
        new GuestNic(
            id,
            required(q, "bridge"),
            required(q, "mac"),
            flag(q, "firewall"),
            q.containsKey("rate") ? Double.valueOf(q.get("rate")) : null,
            q.containsKey("mtu") ? Integer.valueOf(q.get("mtu")) : null,
            q.containsKey("tag") ? Integer.valueOf(q.get("tag")) : null));
  }

  /** Proxmox's booleans: {@code 1} (or {@code true}) is on, anything else off. */
  private static boolean flag(Map<String, String> q, String key) {
    String v = q.get(key);
    return "1".equals(v) || "true".equals(v);
  }

  private static String required(Map<String, String> q, String key) {
    String v = q.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("parameter '" + key + "' is required");
    }
    return v;
  }

  /** Proxmox's tag list: separated by {@code ;}, {@code ,} or spaces; empty parts dropped. */
  private static List<String> tags(String joined) {
    return Arrays.stream(joined.split("[;,\\s]+")).filter(t -> !t.isEmpty()).distinct().toList();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      String v = eq < 0 ? "" : kv.substring(eq + 1);
      q.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }
}
