package io.pvespan.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.inventory.InventoryNode;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentAddressingTest {
  @Test
  void agentUrlsFromOverridesOrTheNodeAddress() {
    var a =
        new AgentAddressing("https", 8787, Map.of("pve3", URI.create("https://10.0.0.13:9443/")));
    assertThat(a.urlFor("pve1", new InventoryNode("pve1", "198.18.0.1", true, null)))
        .isEqualTo(URI.create("https://198.18.0.1:8787/"));
    assertThat(a.urlFor("pve2", new InventoryNode("pve2", "fd00::2", true, null)))
        .isEqualTo(URI.create("https://[fd00::2]:8787/"));
    assertThat(a.urlFor("pve3", null)).isEqualTo(URI.create("https://10.0.0.13:9443/"));
    var proxied =
        new AgentAddressing("https", 8787, Map.of("pve1", URI.create("https://gw:443/pve1")));
    assertThat(proxied.urlFor("pve1", null).resolve("v1/plan"))
        .isEqualTo(URI.create("https://gw:443/pve1/v1/plan"));
    assertThatThrownBy(() -> a.urlFor("pve4", new InventoryNode("pve4", null, true, null)))
        .hasMessage("node pve4 has no address; set agents.urls.pve4 or nodes.addresses.pve4");
  }
}
