package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of the node's kernel as far as pvespan cares: every device, every qdisc, and every
 * filter priority on the ingress hook and on an htb root of every device (ours and foreign: foreign
 * priorities are occupied, never touched).
 */
public record ObservedNode(
    Map<InterfaceName, ObservedLink> links,
    Map<InterfaceName, List<ObservedQdisc>> qdiscs,
    List<ObservedFilter> filters,
    List<String> problems) {
  public ObservedNode {
    links = Map.copyOf(links);
    qdiscs = Map.copyOf(qdiscs);
    filters = List.copyOf(filters);
    problems = List.copyOf(problems);
  }

  public boolean exists(InterfaceName dev) {
    return links.containsKey(dev);
  }

  public Optional<ObservedQdisc> root(InterfaceName dev) {
    return qdiscs.getOrDefault(dev, List.of()).stream().filter(ObservedQdisc::root).findFirst();
  }

  public boolean hasIngressHook(InterfaceName dev) {
    return qdiscs.getOrDefault(dev, List.of()).stream()
        .anyMatch(q -> "ingress".equals(q.kind()) || "clsact".equals(q.kind()));
  }

  public List<ObservedFilter> filters(InterfaceName dev, TcSide side) {
    return filters.stream().filter(f -> f.dev().equals(dev) && f.side() == side).toList();
  }
}
