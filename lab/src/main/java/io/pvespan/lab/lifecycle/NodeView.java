package io.pvespan.lab.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The links of a lab node as Proxmox's Perl sees them through {@code /sys/class/net} (existence,
 * {@code mtu}, {@code brport/bridge}, {@code bridge/vlan_filtering}), read from {@code ip -d -j
 * link show}. Immutable; the planner works on a copy.
 */
public record NodeView(Map<String, Link> links) {
  /** One link. {@code master} is null when it is no bridge port. */
  public record Link(String name, int mtu, String master, String kind, boolean vlanFiltering) {
    public boolean isBridge() {
      return "bridge".equals(kind);
    }
  }

  public NodeView {
    links = Map.copyOf(links);
  }

  /** Parses {@code ip -d -j link show}. */
  public static NodeView parse(String ipDetailsJson) {
    try {
      JsonNode array = new ObjectMapper().readTree(ipDetailsJson);
      Map<String, Link> links = new LinkedHashMap<>();
      for (JsonNode l : array) {
        JsonNode info = l.path("linkinfo");
        String kind = info.path("info_kind").asText("");
        boolean vlanFiltering = info.path("info_data").path("vlan_filtering").asInt(0) == 1;
        String master = l.hasNonNull("master") ? l.get("master").asText() : null;
        String name = l.path("ifname").asText();
        links.put(name, new Link(name, l.path("mtu").asInt(1500), master, kind, vlanFiltering));
      }
      return new NodeView(links);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable ip -j output", e);
    }
  }

  public Optional<Link> link(String name) {
    return Optional.ofNullable(links.get(name));
  }

  /** The same view, with {@code bridge} treated as VLAN-aware (see {@link DriverOptions}). */
  public NodeView withVlanAware(String bridge) {
    Map<String, Link> copy = new LinkedHashMap<>(links);
    Link b = copy.get(bridge);
    if (b != null) {
      copy.put(bridge, new Link(b.name(), b.mtu(), b.master(), b.kind(), true));
    }
    return new NodeView(copy);
  }
}
