package io.pvespan.controller;

import io.pvespan.inventory.InventoryNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Where each node's agent listens: {@code agents.urls[node]} when configured, else {@code
 * scheme://<node address>:<agents.port>/} with the node's (possibly overridden) address.
 */
public record AgentAddressing(String scheme, int port, Map<String, URI> overrides) {
  public AgentAddressing {
    overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
  }

  /**
   * The agent's base URL.
   *
   * @throws IllegalArgumentException with a one-line reason when the node has no usable address
   */
  public URI urlFor(String node, InventoryNode inventoryNode) {
    URI override = overrides.get(node);
    if (override != null) {
      return override;
    }
    String address = inventoryNode == null ? null : inventoryNode.address();
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException(
          "node "
              + node
              + " has no address; set agents.urls."
              + node
              + " or nodes.addresses."
              + node);
    }
    String host = address.contains(":") ? "[" + address + "]" : address;
    try {
      return new URI(scheme + "://" + host + ":" + port + "/");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "node " + node + " address '" + address + "' is not usable");
    }
  }
}
