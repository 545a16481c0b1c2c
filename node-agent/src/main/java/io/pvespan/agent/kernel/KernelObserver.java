package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the whole node in two processes: {@code ip -j -d link show}, then one {@code tc -j -s
 * -force -batch -} with {@code qdisc show} and, per device, {@code filter show dev D ingress} and
 * (when its root qdisc is htb, the only root we ever put filters on) {@code filter show dev D}.
 * Every device is read, not only planned ones, so filters of ours left on a device that left the
 * plan are found too.
 */
public final class KernelObserver {
  private final CommandRunner runner;

  public KernelObserver(CommandRunner runner) {
    this.runner = runner;
  }

  private record Query(InterfaceName dev, TcSide side) {}

  /** Observes; throws only when {@code ip} or {@code tc} cannot run at all. */
  public ObservedNode observe() throws KernelCommandException {
    String linkJson =
        runner.run(
            Tool.IP,
            Set.of(CommandRunner.Option.JSON, CommandRunner.Option.DETAILS),
            CommandLine.of("link", "show"));
    return observeTc(TcJson.links(linkJson), Set.of());
  }

  /**
   * Re-reads only the tc side (one process) for devices already known, e.g. to verify a converge
   * that changed no device. {@code htbNow}: devices whose root became htb since {@code links} was
   * read, so their root filters are read too.
   */
  public ObservedNode observeTc(Map<InterfaceName, ObservedLink> links, Set<InterfaceName> htbNow)
      throws KernelCommandException {
    return observeTc(links, htbNow, null);
  }

  /**
   * A narrow read for one device (two processes, independent of the node's size): the links in
   * {@code devices} (absent ones are simply missing) and the filters of {@code filtersOf} only.
   * Qdiscs of other devices are dropped so nothing else looks like ours to a planner.
   */
  public ObservedNode observeDevice(InterfaceName filtersOf, Set<InterfaceName> devices)
      throws KernelCommandException {
    List<InterfaceName> order = new ArrayList<>(new java.util.TreeSet<>(devices));
    List<CommandLine> lines = new ArrayList<>();
    for (InterfaceName d : order) {
      lines.add(CommandLine.of("link", "show", "dev").dev(d));
    }
    BatchResult ip =
        runner.batch(
            Tool.IP, Set.of(CommandRunner.Option.JSON, CommandRunner.Option.DETAILS), lines);
    Map<InterfaceName, ObservedLink> links = new java.util.LinkedHashMap<>();
    for (com.fasterxml.jackson.databind.JsonNode a : TcJson.arrays(ip.stdout())) {
      links.putAll(TcJson.links(a.toString()));
    }
    Map<InterfaceName, ObservedLink> mine = new java.util.LinkedHashMap<>();
    if (links.containsKey(filtersOf)) {
      mine.put(filtersOf, links.get(filtersOf));
    }
    ObservedNode tc = observeTc(mine, Set.of(), filtersOf);
    return new ObservedNode(links, tc.qdiscs(), tc.filters(), tc.problems());
  }

  /**
   * The filters on both hooks of {@code devices} with their counters (one process; a device that is
   * gone is left out): what the copy guard reads every interval, so it never reads the whole node.
   */
  public List<ObservedFilter> filters(Set<InterfaceName> devices) throws KernelCommandException {
    List<CommandLine> lines = new ArrayList<>();
    List<Query> queries = new ArrayList<>();
    for (InterfaceName d : new java.util.TreeSet<>(devices)) {
      lines.add(CommandLine.of("filter", "show", "dev").dev(d).kw("ingress"));
      queries.add(new Query(d, TcSide.INGRESS));
      lines.add(CommandLine.of("filter", "show", "dev").dev(d));
      queries.add(new Query(d, TcSide.EGRESS));
    }
    List<ObservedFilter> out = new ArrayList<>();
    if (lines.isEmpty()) {
      return out;
    }
    BatchResult tc =
        runner.batch(Tool.TC, Set.of(CommandRunner.Option.JSON, CommandRunner.Option.STATS), lines);
    List<Query> answered = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      if (!tc.failedLines().containsKey(i + 1)) {
        answered.add(queries.get(i));
      }
    }
    List<com.fasterxml.jackson.databind.JsonNode> arrays = TcJson.arrays(tc.stdout());
    for (int i = 0; i < Math.min(arrays.size(), answered.size()); i++) {
      out.addAll(TcJson.filters(answered.get(i).dev(), answered.get(i).side(), arrays.get(i)));
    }
    return out;
  }

  private ObservedNode observeTc(
      Map<InterfaceName, ObservedLink> links, Set<InterfaceName> htbNow, InterfaceName only)
      throws KernelCommandException {
    List<CommandLine> lines = new ArrayList<>();
    List<Query> queries = new ArrayList<>();
    // One device: its own qdiscs (tc prints no "dev" then); else every device's in one dump.
    lines.add(
        only == null
            ? CommandLine.of("qdisc", "show")
            : CommandLine.of("qdisc", "show", "dev").dev(only));
    queries.add(null);
    for (ObservedLink l : links.values()) {
      lines.add(CommandLine.of("filter", "show", "dev").dev(l.name()).kw("ingress"));
      queries.add(new Query(l.name(), TcSide.INGRESS));
      if ("htb".equals(l.rootQdisc()) || htbNow.contains(l.name())) {
        lines.add(CommandLine.of("filter", "show", "dev").dev(l.name()));
        queries.add(new Query(l.name(), TcSide.EGRESS));
      }
    }
    BatchResult tc =
        runner.batch(Tool.TC, Set.of(CommandRunner.Option.JSON, CommandRunner.Option.STATS), lines);
    List<String> problems = new ArrayList<>();
    List<Query> answered = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      String failure = tc.failedLines().get(i + 1);
      if (failure == null) {
        answered.add(queries.get(i));
      } else if (queries.get(i) != null && links.containsKey(queries.get(i).dev())) {
        // A device that vanished between the two reads is no problem; anything else is reported.
        problems.add("tc " + lines.get(i) + ": " + failure);
      }
    }
    Map<InterfaceName, List<ObservedQdisc>> qdiscs = new HashMap<>();
    List<ObservedFilter> filters = new ArrayList<>();
    List<com.fasterxml.jackson.databind.JsonNode> arrays = TcJson.arrays(tc.stdout());
    for (int i = 0; i < Math.min(arrays.size(), answered.size()); i++) {
      Query q = answered.get(i);
      if (q == null) {
        for (ObservedQdisc qd : TcJson.qdiscs(arrays.get(i), only)) {
          if (only != null && !only.equals(qd.dev())) {
            continue;
          }
          qdiscs.computeIfAbsent(qd.dev(), k -> new ArrayList<>()).add(qd);
        }
      } else {
        filters.addAll(TcJson.filters(q.dev(), q.side(), arrays.get(i)));
      }
    }
    if (arrays.size() != answered.size()) {
      problems.add("tc printed " + arrays.size() + " answers for " + answered.size() + " queries");
    }
    return new ObservedNode(links, qdiscs, filters, problems);
  }
}
