package io.pvespan.agent.kernel;

import io.pvespan.model.InterfaceName;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Probes what the kernel offers by trying it, harmlessly: in a scratch namespace {@code
 * pspprobe-<random>} (created and deleted again) it adds a veth pair, each tunnel kind, the qdiscs
 * and one filter per classifier with a mirred action. Capabilities are per kernel, not per
 * namespace, so the answer holds for the node. Three batches and two namespace commands.
 */
public final class KernelProbe {
  private static final InterfaceName A = InterfaceName.of("pspq0");
  private static final InterfaceName B = InterfaceName.of("pspq1");
  private static final IpAddress LOCAL = IpAddress.parse("198.18.0.1");
  private static final IpAddress REMOTE = IpAddress.parse("198.18.0.2");

  private KernelProbe() {}

  /**
   * Probes. {@code runner} creates and deletes the scratch namespace; {@code inNamespace} gives a
   * runner for it. A failure to create the namespace answers "nothing available" rather than
   * throwing: the agent reports it and every converge will say what is missing.
   */
  public static KernelFeatures probe(
      CommandRunner runner, Function<NetnsName, CommandRunner> inNamespace) {
    NetnsName ns =
        new NetnsName("pspprobe-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)));
    try {
      runner.run(Tool.IP, Set.of(), CommandLine.of("netns", "add", ns.value()));
    } catch (KernelCommandException e) {
      return KernelFeatures.unprobed(
          "cannot create the scratch namespace " + ns.value() + ": " + e.getMessage());
    }
    try {
      return probeIn(inNamespace.apply(ns));
    } finally {
      try {
        runner.run(Tool.IP, Set.of(), CommandLine.of("netns", "del", ns.value()));
      } catch (KernelCommandException e) {
        // Nothing else to do: the name is random and the namespace holds nothing of the node.
      }
    }
  }

  /** The probe itself, in a namespace the caller owns (also used by tests with a fake runner). */
  public static KernelFeatures probeIn(CommandRunner r) {
    List<CommandLine> links = new ArrayList<>();
    links.add(
        CommandLine.of("link", "add").dev(A).kw("type").kw("veth").kw("peer").kw("name").dev(B));
    links.add(CommandLine.of("link", "set", "dev").dev(A).kw("up"));
    links.add(CommandLine.of("link", "set", "dev").dev(B).kw("up"));
    links.add(
        CommandLine.of("link", "add", "pspqv", "type", "vxlan", "id", "1", "dstport", "4789"));
    links.add(tunnel("pspqt", "gretap").kw("key").num(1));
    links.add(tunnel("pspqg", "gre").kw("key").num(1));
    links.add(
        tunnel("pspqe", "erspan")
            .kw("seq")
            .kw("key")
            .num(1)
            .kw("erspan_ver")
            .num(1)
            .kw("erspan")
            .num(1));
    links.add(
        CommandLine.of("link", "add", "pspqn", "type", "geneve", "id", "1")
            .kw("remote")
            .addr(REMOTE));
    Map<Integer, String> ipFailed = batch(r, Tool.IP, links);

    List<CommandLine> tc = new ArrayList<>();
    tc.add(CommandLine.of("qdisc", "add", "dev").dev(A).kw("clsact"));
    tc.add(CommandLine.of("qdisc", "del", "dev").dev(A).kw("clsact"));
    tc.add(CommandLine.of("qdisc", "add", "dev").dev(A).kw("handle").kw("ffff:").kw("ingress"));
    tc.add(
        filter(1)
            .kw("matchall")
            .kw("action")
            .kw("mirred")
            .kw("egress")
            .kw("mirror")
            .kw("dev")
            .dev(B));
    tc.add(
        filter(2)
            .kw("u32")
            .kw("match")
            .kw("u32")
            .num(0)
            .num(0)
            .kw("action")
            .kw("mirred")
            .kw("egress")
            .kw("mirror")
            .kw("dev")
            .dev(B));
    tc.add(filter(3).kw("u32").kw("match").kw("u32").num(0).num(0).kw("classid").kw("1:1"));
    tc.add(
        filter(4)
            .kw("bpf")
            .kw("bytecode")
            .bytecode(new BpfProgram(List.of(new BpfProgram.Insn(6, 0, 0, 0))))
            .kw("classid")
            .kw("1:1"));
    tc.add(filter(5).kw("flower").kw("classid").kw("1:1"));
    Map<Integer, String> tcFailed = batch(r, Tool.TC, tc);
    boolean veth = !ipFailed.containsKey(1);
    boolean matchall = veth && !tcFailed.containsKey(4);
    boolean u32mirred = veth && !tcFailed.containsKey(5);
    return new KernelFeatures(
        matchall,
        veth && !tcFailed.containsKey(8),
        u32mirred || (veth && !tcFailed.containsKey(6)),
        veth && !tcFailed.containsKey(7),
        matchall || u32mirred,
        veth && !tcFailed.containsKey(1),
        !ipFailed.containsKey(4),
        !ipFailed.containsKey(5),
        !ipFailed.containsKey(6),
        !ipFailed.containsKey(7),
        !ipFailed.containsKey(8));
  }

  private static CommandLine tunnel(String name, String type) {
    return CommandLine.of("link", "add", name, "type", type)
        .kw("local")
        .addr(LOCAL)
        .kw("remote")
        .addr(REMOTE);
  }

  private static CommandLine filter(int prio) {
    return CommandLine.of("filter", "add", "dev")
        .dev(A)
        .kw("ingress")
        .kw("prio")
        .num(prio)
        .kw("protocol")
        .kw("all");
  }

  private static Map<Integer, String> batch(CommandRunner r, Tool tool, List<CommandLine> lines) {
    try {
      return r.batch(tool, Set.of(), lines).failedLines();
    } catch (KernelCommandException e) {
      Map<Integer, String> all = new java.util.HashMap<>();
      for (int i = 1; i <= lines.size(); i++) {
        all.put(i, e.getMessage());
      }
      return all;
    }
  }
}
