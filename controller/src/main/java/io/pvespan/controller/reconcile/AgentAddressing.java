package io.pvespan.controller.reconcile;

import io.pvespan.inventory.InventoryNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * Where each node's agent listens: {@code agents.urls[node]} when configured, else {@code
 * scheme://<node address>:<agents.port>/} with the node's (possibly overridden) address. An
 * override may carry a path prefix (an agent behind a reverse proxy); it always ends in {@code /}
 * so that the agent's API paths resolve below it.
 */
public record AgentAddressing(String scheme, int port, Map<String, URI> overrides) {
  public AgentAddressing {
    Map<String, URI> withSlash = new java.util.TreeMap<>();
    (overrides == null ? Map.<String, URI>of() : overrides)
        .forEach(
            (node, u) ->
                withSlash.put(
                    node,
                    u.getPath() != null && u.getPath().endsWith("/") ? u : URI.create(u + "/")));
    overrides = Map.copyOf(withSlash);
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
