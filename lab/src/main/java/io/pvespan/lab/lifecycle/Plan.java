package io.pvespan.lab.lifecycle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sequence being rendered for one node namespace: the commands so far and the links the node will
 * have once they ran, so that Proxmox's {@code -d /sys/class/net/X} checks later in the same
 * sequence see the effect of earlier commands.
 */
final class Plan {
  static final String IP = "/usr/sbin/ip";
  static final String TC = "/usr/sbin/tc";
  static final String BRIDGE = "/usr/sbin/bridge";

  /** Proxmox's {@code die}: the rest of the sequence does not run. */
  static final class Die extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Die(String message) {
      super(message, null, false, false);
    }
  }

  private final String ns;
  private final Map<String, NodeView.Link> links;
  private final List<ProxmoxCommand> commands = new ArrayList<>();
  private int evalDepth;

  Plan(String ns, NodeView view) {
    this.ns = ns;
    this.links = new HashMap<>(view.links());
  }

  String ns() {
    return ns;
  }

  List<ProxmoxCommand> commands() {
    return List.copyOf(commands);
  }

  /** {@code /usr/sbin/ip -n NS args...}. */
  void ip(boolean tolerated, Actor actor, String origin, String... args) {
    add(IP, tolerated, actor, origin, args);
  }

  /** {@code /usr/sbin/tc -n NS args...}. */
  void tc(boolean tolerated, String origin, String... args) {
    add(TC, tolerated, Actor.PROXMOX, origin, args);
  }

  /** {@code /usr/sbin/bridge -n NS args...}. */
  void bridge(boolean tolerated, String origin, String... args) {
    add(BRIDGE, tolerated, Actor.PROXMOX, origin, args);
  }

  void raw(ProxmoxCommand command) {
    commands.add(command);
  }

  private void add(String bin, boolean tolerated, Actor actor, String origin, String... args) {
    List<String> argv = new ArrayList<>(List.of(bin, "-n", ns));
    argv.addAll(List.of(args));
    commands.add(new ProxmoxCommand(argv, tolerated || evalDepth > 0, actor, origin, ""));
  }

  /**
   * Perl's {@code eval { ... }}: failures inside are tolerated, a {@code die} ends only the block.
   */
  void eval(Runnable block) {
    evalDepth++;
    try {
      block.run();
    } catch (Die ignored) {
      // Proxmox ignores it ("eval { tap_unplug($veth) }")
    } finally {
      evalDepth--;
    }
  }

  Plan.Die die(String message) {
    return new Die(message);
  }

  // --- the node's links as the commands so far leave them ---

  boolean exists(String name) {
    return links.containsKey(name);
  }

  Optional<NodeView.Link> link(String name) {
    return Optional.ofNullable(links.get(name));
  }

  /** pve-common {@code read_bridge_mtu}: dies when the bridge does not exist. */
  int bridgeMtu(String bridge) {
    return link(bridge)
        .map(NodeView.Link::mtu)
        .orElseThrow(() -> die("bridge '" + bridge + "' does not exist"));
  }

  boolean vlanAware(String bridge) {
    return link(bridge).map(NodeView.Link::vlanFiltering).orElse(false);
  }

  void created(String name, int mtu, String kind) {
    links.put(name, new NodeView.Link(name, mtu, null, kind, false));
  }

  void setMaster(String name, String master) {
    NodeView.Link l = links.get(name);
    if (l != null) {
      links.put(name, new NodeView.Link(name, l.mtu(), master, l.kind(), l.vlanFiltering()));
    }
  }

  /** Deleting a veth end deletes its peer; deleting a bridge frees its ports. */
  void deleted(String name, String vethPeer) {
    links.remove(name);
    if (vethPeer != null) {
      links.remove(vethPeer);
    }
    links.replaceAll(
        (n, l) ->
            name.equals(l.master())
                ? new NodeView.Link(n, l.mtu(), null, l.kind(), l.vlanFiltering())
                : l);
  }

  List<String> portsOf(String bridge) {
    return links.values().stream()
        .filter(l -> bridge.equals(l.master()))
        .map(NodeView.Link::name)
        .sorted()
        .toList();
  }
}
