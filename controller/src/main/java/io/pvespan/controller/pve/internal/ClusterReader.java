package io.pvespan.controller.pve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.GuestType;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the {@code data} of {@code /cluster/status}, {@code /cluster/resources} and guest configs
 * (shapes in pve-docs {@code api-viewer/apidata.js}; pve-manager {@code PVE/API2/Cluster.pm}:
 * {@code get_status} emits a {@code cluster} entry only when a cluster exists and may omit a node's
 * {@code ip}; {@code resources} emits {@code tags}, {@code pool}, {@code lock} only when set).
 * Entries that cannot describe a guest or a node (no vmid, no node) are skipped with a warning
 * rather than failing the whole inventory.
 */
public final class ClusterReader {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterReader.class);
  private static final Pattern NET_KEY = Pattern.compile("net(\\d+)");
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,62}");

  private ClusterReader() {}

  /** Node entries of {@code /cluster/status}; a standalone node has no {@code cluster} entry. */
  public static List<InventoryNode> nodes(JsonNode data) {
    List<InventoryNode> nodes = new ArrayList<>();
    for (JsonNode e : array(data, "/cluster/status")) {
      if (!"node".equals(Tolerant.text(e, "type"))) {
        continue;
      }
      String name = Tolerant.text(e, "name");
      if (!validNodeName(name)) {
        LOG.warn("/cluster/status: skipping a node entry with the name '{}'", name);
        continue;
      }
      nodes.add(
          new InventoryNode(
              name,
              Tolerant.text(e, "ip"),
              !e.has("online") || Tolerant.bool(e, "online"),
              InventoryNode.DEFAULT_MTU));
    }
    return nodes;
  }

  /** qemu and lxc entries of {@code /cluster/resources?type=vm}, without NICs. */
  public static List<Guest> guests(JsonNode data) {
    List<Guest> guests = new ArrayList<>();
    for (JsonNode e : array(data, "/cluster/resources")) {
      String type = Tolerant.text(e, "type");
      if (!"qemu".equals(type) && !"lxc".equals(type)) {
        continue;
      }
      try {
        guests.add(guest(e, GuestType.parse(type)));
      } catch (IllegalArgumentException | NullPointerException ex) {
        LOG.warn(
            "/cluster/resources: skipping entry {}: {}", Tolerant.text(e, "id"), ex.getMessage());
      }
    }
    return guests;
  }

  private static Guest guest(JsonNode e, GuestType type) {
    Integer vmid = Tolerant.integer(e, "vmid");
    if (vmid == null) {
      String id = Tolerant.text(e, "id"); // "qemu/101"
      vmid = id == null ? null : Integer.valueOf(id.substring(id.indexOf('/') + 1));
    }
    String node = Tolerant.text(e, "node");
    if (!validNodeName(node)) {
      throw new IllegalArgumentException("node '" + node + "' is not a node name");
    }
    return new Guest(
        VmId.of(vmid),
        type,
        node,
        Tolerant.text(e, "status"),
        Tolerant.text(e, "name"),
        Tolerant.tags(Tolerant.text(e, "tags")),
        Tolerant.text(e, "pool"),
        Tolerant.bool(e, "template"),
        Tolerant.text(e, "lock"),
        List.of());
  }

  /**
   * The NICs of a guest config's {@code data}: keys {@code net0}..{@code net31}.
   *
   * @throws IllegalArgumentException {@code netN: ...} for a value that does not parse
   */
  public static List<GuestNic> nics(GuestType type, JsonNode config) {
    List<GuestNic> nics = new ArrayList<>();
    if (config == null || !config.isObject()) {
      throw new IllegalArgumentException("the guest config is not an object");
    }
    for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      Matcher m = NET_KEY.matcher(key);
      if (!m.matches()) {
        continue;
      }
      NicId id;
      try {
        id = NicId.parse(key);
      } catch (IllegalArgumentException ex) {
        LOG.warn("ignoring {}: Proxmox has net0..net31 only", key);
        continue;
      }
      nics.add(NetConfigParser.parse(type, id, config.get(key).asText()));
    }
    return nics;
  }

  public static boolean validNodeName(String name) {
    return name != null && NODE_NAME.matcher(name).matches();
  }

  private static Iterable<JsonNode> array(JsonNode data, String what) {
    if (data == null || !data.isArray()) {
      throw new IllegalArgumentException(what + ": data is not a list");
    }
    return data;
  }
}
