package io.pvespan.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.agent.engine.ConvergeReport;
import io.pvespan.agent.engine.CopyGuard;
import io.pvespan.agent.engine.KernelConverger;
import io.pvespan.agent.kernel.KernelFeatures;
import io.pvespan.agent.kernel.KernelProbe;
import io.pvespan.agent.kernel.NetnsName;
import io.pvespan.agent.kernel.ProcessCommandRunner;
import io.pvespan.agent.lab.Lab;
import io.pvespan.model.Bandwidth;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.Sample;
import io.pvespan.model.VmId;
import io.pvespan.plan.Conditioner;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Production iperf3 throughput between two lab VMs on one node, side by side: no mirror, a mirror
 * of both directions to a sensor without conditioner, the same with a 10 Mbit/s budget, and with
 * snaplen 128 plus the budget, each budget with the copy guard (as the agent runs it: every 1 s, a
 * changed G converges at once) and without it (G fixed at 1); with the copies' rate at the sensor
 * and the guard's factor at the end of the run; then the VM's sending direction alone, without
 * conditioner and with the guarded budget (no root qdisc on the tap); and both directions sampled
 * 1/256 without conditioner (the guard's G without the pair). Rounds alternate the setups. iperf3
 * leaves out the first {@code omit} seconds of every run (all setups alike: TCP's start and the
 * guard's settling, about two readings). Prints numbers; asserts nothing. Run as root: {@code
 * CopyConditionerBenchmark [seconds] [rounds] [omit] [setups]}, {@code setups} the numbers of the
 * setups to run, comma-separated, in the order listed here (default all: 1 to 9), e.g. {@code 1,3}
 * for no mirror against the guarded budget alone, over more rounds.
 */
public final class CopyConditionerBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CopyConditionerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int omit = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Conditioner budget = new Conditioner(null, Bandwidth.parse("10Mbit"), null);
    Conditioner cut = new Conditioner(128, Bandwidth.parse("10Mbit"), null);
    Map<String, Conditioner> setups = new LinkedHashMap<>();
    setups.put("no mirror", null);
    setups.put("mirror, no conditioner", null);
    setups.put("mirror, budget 10Mbit, guard", budget);
    setups.put("mirror, snaplen 128 + budget, guard", cut);
    setups.put("mirror, budget 10Mbit, no guard", budget);
    setups.put("mirror, snaplen 128 + budget, no guard", cut);
    // The VM's sending direction only: a filter on the tap's ingress hook, no root qdisc on the tap
    // (mirroring what the VM receives needs a classful root there, see docs/agent-kernel.md).
    setups.put("mirror VM egress only, no conditioner", null);
    setups.put("mirror VM egress only, budget 10Mbit, guard", budget);
    // What the guard leaves at G=256 without the pair: the hooks' cost with few copies.
    setups.put("mirror, sample 1/256, no conditioner", null);
    if (args.length > 3) {
      List<String> names = new ArrayList<>(setups.keySet());
      Map<String, Conditioner> chosen = new LinkedHashMap<>();
      for (String n : args[3].split(",")) {
        String name = names.get(Integer.parseInt(n.strip()) - 1);
        chosen.put(name, setups.get(name));
      }
      setups = chosen;
    }
    try (Lab lab = new Lab("condb")) {
      NetnsName node = lab.node("n1");
      NetnsName vmA = lab.vm(node, 101, "198.18.8.101/24", true);
      NetnsName vmB = lab.vm(node, 102, "198.18.8.102/24", true);
      NetnsName sensor = lab.vm(node, 900, null, false);
      NetnsName probe = lab.namespace("probe");
      KernelFeatures f =
          KernelProbe.probeIn(new ProcessCommandRunner(probe, Duration.ofSeconds(30)));
      KernelConverger c =
          new KernelConverger(
              new ProcessCommandRunner(node, Duration.ofSeconds(30)), f, Clock.systemUTC());
      AtomicReference<CopyGuard> guard = new AtomicReference<>();
      c.guardWith(
          in -> {
            CopyGuard g = guard.get();
            return g == null ? 1 : g.factor(in);
          });
      Process server =
          new ProcessBuilder("ip", "netns", "exec", vmB.value(), "iperf3", "-s", "-p", "5302")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      Thread.sleep(500);
      Map<String, List<double[]>> results = new LinkedHashMap<>();
      long gen = 1;
      try {
        for (int round = 0; round < rounds; round++) {
          for (Map.Entry<String, Conditioner> s : setups.entrySet()) {
            List<MirrorEntry> mirrors = new ArrayList<>();
            if (!s.getKey().equals("no mirror")) {
              mirrors.add(
                  new MirrorEntry(
                          "bench",
                          VmId.of(101),
                          new NicId(0),
                          InterfaceName.of("tap101i0"),
                          s.getKey().contains("VM egress only") ? Direction.EGRESS : Direction.BOTH,
                          EntryState.ACTIVE,
                          new LocalTarget(InterfaceName.of("tap900i0")),
                          List.of(),
                          null,
                          List.of(),
                          s.getKey().contains("sample 1/256") ? new Sample(256) : null)
                      .conditioned(s.getValue()));
            }
            NodeMirrorPlan plan = NodeMirrorPlan.of("node1", gen++, mirrors, List.of(), List.of());
            ConvergeReport r = c.converge(plan);
            if (!r.failures().isEmpty()) {
              throw new IllegalStateException(s.getKey() + ": " + r.failures());
            }
            CopyGuard g = null;
            if (s.getKey().endsWith(", guard")) {
              // As the agent runs it: every second; a changed G converges (the reconciler's job).
              g =
                  new CopyGuard(
                      () -> Optional.of(plan),
                      c::filterCounters,
                      () -> c.converge(plan),
                      Clock.systemUTC(),
                      CopyGuard.INTERVAL);
              guard.set(g);
              g.start();
            }
            long sensor0 = lab.bytes(sensor, "eth0", "rx");
            long t0 = System.nanoTime();
            JsonNode out =
                JSON.readTree(
                    Lab.sh(
                        "ip",
                        "netns",
                        "exec",
                        vmA.value(),
                        "iperf3",
                        "-c",
                        "198.18.8.102",
                        "-p",
                        "5302",
                        "-t",
                        Integer.toString(seconds),
                        "-O",
                        Integer.toString(omit),
                        "-J"));
            double took = (System.nanoTime() - t0) / 1e9;
            long copied = lab.bytes(sensor, "eth0", "rx") - sensor0;
            int factor = g == null ? 1 : g.samplesBySession().getOrDefault("bench", 1);
            if (g != null) {
              g.close();
              guard.set(null);
            }
            double gbps =
                out.path("end").path("sum_received").path("bits_per_second").asDouble() / 1e9;
            double copiesMbps = copied * 8 / took / 1e6;
            results
                .computeIfAbsent(s.getKey(), k -> new ArrayList<>())
                .add(new double[] {gbps, copiesMbps, factor});
            System.out.printf(
                "round %d  %-40s production %6.2f Gbit/s   copies at the sensor %8.2f Mbit/s"
                    + "   G %d%n",
                round + 1, s.getKey(), gbps, copiesMbps, factor);
          }
        }
      } finally {
        server.destroyForcibly();
        server.waitFor();
      }
      System.out.println();
      System.out.printf(
          "%-40s %-28s %-28s %s%n",
          "setup", "production Gbit/s (runs)", "copies Mbit/s (runs)", "G at the end (runs)");
      for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
        StringBuilder p = new StringBuilder();
        StringBuilder q = new StringBuilder();
        StringBuilder h = new StringBuilder();
        for (double[] v : e.getValue()) {
          p.append(String.format("%.2f ", v[0]));
          q.append(String.format("%.1f ", v[1]));
          h.append(String.format("%.0f ", v[2]));
        }
        System.out.printf(
            "%-40s %-28s %-28s %s%n",
            e.getKey(), p.toString().trim(), q.toString().trim(), h.toString().trim());
      }
    }
  }
}
