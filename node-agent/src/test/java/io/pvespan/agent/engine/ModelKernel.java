package io.pvespan.agent.engine;

import io.pvespan.agent.kernel.MirredMode;
import io.pvespan.agent.kernel.ObservedFilter;
import io.pvespan.agent.kernel.ObservedLink;
import io.pvespan.agent.kernel.ObservedNode;
import io.pvespan.agent.kernel.ObservedQdisc;
import io.pvespan.agent.kernel.Ownership;
import io.pvespan.agent.kernel.TcSide;
import io.pvespan.model.InterfaceName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory kernel for planner tests: devices, qdiscs, filters; applies KernelActions. */
final class ModelKernel {
  final Map<InterfaceName, ObservedLink> links = new LinkedHashMap<>();
  final Map<InterfaceName, List<ObservedQdisc>> qdiscs = new HashMap<>();
  final List<ObservedFilter> filters = new ArrayList<>();

  ModelKernel tap(String name) {
    InterfaceName n = InterfaceName.of(name);
    links.put(n, new ObservedLink(n, "veth", true, 1500, "noqueue", null));
    qdiscs.put(n, new ArrayList<>(List.of(new ObservedQdisc(n, "noqueue", "0:", true))));
    return this;
  }

  /** Proxmox's rate= layout: htb 1: root, ingress ffff:, police (stand-in) at prio 50. */
  ModelKernel proxmoxRate(String name) {
    InterfaceName n = InterfaceName.of(name);
    qdiscs.put(
        n,
        new ArrayList<>(
            List.of(
                new ObservedQdisc(n, "htb", "1:", true),
                new ObservedQdisc(n, "ingress", "ffff:", false))));
    filters.add(new ObservedFilter(n, TcSide.INGRESS, 50, "basic", null, null, null, null, 0, 0));
    return this;
  }

  ModelKernel foreignFilter(String name, TcSide side, int prio) {
    filters.add(
        new ObservedFilter(
            InterfaceName.of(name), side, prio, "u32", null, null, null, null, 0, 0));
    return this;
  }

  ObservedNode node() {
    return new ObservedNode(links, qdiscs, filters, List.of());
  }

  void apply(List<KernelAction> actions) {
    for (KernelAction a : actions) {
      if (a instanceof KernelAction.CreateTunnel c) {
        var t = c.tunnel();
        Long id = t.vni() != null ? Long.valueOf(t.vni().value()) : t.key();
        links.put(
            t.device(),
            new ObservedLink(
                t.device(),
                t.type(),
                true,
                t.mtu(),
                "noqueue",
                new ObservedLink.TunnelParams(
                    t.type(),
                    id,
                    t.local(),
                    t.remote(),
                    t.encapsulation().keyed() ? null : t.dstPort())));
        qdiscs.put(t.device(), new ArrayList<>());
      } else if (a instanceof KernelAction.DeleteTunnel d) {
        links.remove(d.device());
        filters.removeIf(f -> f.dev().equals(d.device()));
      } else if (a instanceof KernelAction.FixTunnelLink f) {
        ObservedLink l = links.get(f.device());
        links.put(
            f.device(),
            new ObservedLink(l.name(), l.kind(), true, f.mtu(), l.rootQdisc(), l.tunnel()));
      } else if (a instanceof KernelAction.AddIngressQdisc q) {
        qdiscs
            .computeIfAbsent(q.device(), k -> new ArrayList<>())
            .add(new ObservedQdisc(q.device(), "ingress", "ffff:", false));
      } else if (a instanceof KernelAction.AddRootQdisc q) {
        qdiscs.get(q.device()).removeIf(ObservedQdisc::root);
        qdiscs
            .get(q.device())
            .add(new ObservedQdisc(q.device(), "htb", Ownership.ROOT_HANDLE, true));
      } else if (a instanceof KernelAction.DeleteOwnedRootQdisc q) {
        qdiscs.get(q.device()).removeIf(ObservedQdisc::root);
        filters.removeIf(f -> f.dev().equals(q.device()) && f.side() == TcSide.EGRESS);
      } else if (a instanceof KernelAction.AddMirrorFilter f) {
        filters.add(
            new ObservedFilter(
                f.device(),
                f.side(),
                f.prio(),
                "u32",
                f.cookie(),
                f.target().value(),
                f.mode().word(),
                f.mode() == MirredMode.MIRROR ? "continue" : "stolen",
                0,
                0));
      } else if (a instanceof KernelAction.DeleteOwnedFilter f) {
        filters.removeIf(
            o -> o.dev().equals(f.device()) && o.side() == f.side() && o.prio() == f.prio());
      } else if (a instanceof KernelAction.CreateConditioner c) {
        for (InterfaceName n : List.of(c.in(), c.out())) {
          links.put(n, new ObservedLink(n, "veth", true, 65535, "noqueue", null));
          qdiscs.put(n, new ArrayList<>(List.of(new ObservedQdisc(n, "noqueue", "0:", true))));
        }
      } else if (a instanceof KernelAction.DeleteConditioner d) {
        InterfaceName out =
            InterfaceName.of(ConditionerPair.OUT_PREFIX + d.in().value().substring(4));
        for (InterfaceName n : List.of(d.in(), out)) {
          links.remove(n);
          qdiscs.remove(n);
          filters.removeIf(f -> f.dev().equals(n));
        }
      } else if (a instanceof KernelAction.AddConditionerShaper q) {
        qdiscs.get(q.out()).removeIf(ObservedQdisc::root);
        qdiscs
            .get(q.out())
            .add(new ObservedQdisc(q.out(), "tbf", Ownership.CONDITIONER_ROOT_HANDLE, true, 0));
      } else {
        throw new IllegalStateException("unmodelled " + a);
      }
    }
  }
}
