package io.pvespan.controller.pve.internal;

import io.pvespan.controller.pve.Migration;
import io.pvespan.inventory.Guest;
import io.pvespan.inventory.GuestNic;
import io.pvespan.inventory.InventoryNode;
import io.pvespan.model.VmId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code PveInventorySource} remembers between polls: nodes, the NIC config read for each
 * guest together with the guest state it was read at, and each guest's node at the last poll.
 */
public final class PollState {
  private record Cached(Guest at, List<GuestNic> nics) {}

  private final Map<VmId, Cached> configs = new ConcurrentHashMap<>();
  private Map<VmId, String> lastNode = new HashMap<>();
  private List<InventoryNode> nodes = null;
  private long polls = 0;

  public synchronized boolean nodesDue(int every) {
    return nodes == null || polls % every == 0;
  }

  public synchronized boolean knowsNodes(Collection<String> names) {
    return nodes != null
        && nodes.stream().map(InventoryNode::name).toList().containsAll(Set.copyOf(names));
  }

  public synchronized void nodes(List<InventoryNode> fresh) {
    nodes = List.copyOf(fresh);
  }

  public synchronized List<InventoryNode> nodes() {
    return nodes == null ? List.of() : nodes;
  }

  /** True when the guest's config was never read or its node, status, lock or type changed. */
  public boolean configStale(Guest g) {
    Cached c = configs.get(g.vmid());
    return c == null || !sameState(c.at, g);
  }

  private static boolean sameState(Guest a, Guest b) {
    return a.type() == b.type()
        && a.node().equals(b.node())
        && a.status().equals(b.status())
        && Objects.equals(a.lock(), b.lock());
  }

  public void configRead(Guest at, List<GuestNic> nics) {
    configs.put(at.vmid(), new Cached(at, List.copyOf(nics)));
  }

  /** The NICs read for the guest in its current state; none when unread or out of date. */
  public List<GuestNic> nics(Guest g) {
    Cached c = configs.get(g.vmid());
    return c != null && sameState(c.at, g) ? c.nics : List.of();
  }

  /** Records this poll's guests; returns the migrations seen. Forgets guests that are gone. */
  public synchronized List<Migration> endPoll(List<Guest> guests) {
    List<Migration> migrations = new ArrayList<>();
    Map<VmId, String> now = new HashMap<>();
    for (Guest g : guests) {
      now.put(g.vmid(), g.node());
      String before = lastNode.get(g.vmid());
      if (before != null && !before.equals(g.node())) {
        migrations.add(new Migration(g.vmid(), before, g.node()));
      } else if ("migrate".equals(g.lock())) {
        migrations.add(new Migration(g.vmid(), g.node(), null));
      }
    }
    configs.keySet().retainAll(now.keySet());
    lastNode = now;
    polls++;
    return migrations;
  }

  public synchronized void reset() {
    configs.clear();
    lastNode = new HashMap<>();
    nodes = null;
    polls = 0;
  }

  public Set<VmId> cachedConfigs() {
    return Set.copyOf(configs.keySet());
  }
}
