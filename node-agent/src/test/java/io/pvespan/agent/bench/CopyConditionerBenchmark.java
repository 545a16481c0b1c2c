package io.pvespan.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pvespan.agent.engine.ConvergeReport;
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

/**
 * Production iperf3 throughput between two lab VMs on one node, side by side: no mirror, a mirror
 * of both directions to a sensor without conditioner, the same with a 10 Mbit/s budget, and with
 * snaplen 128 plus the budget; with the copies' rate at the sensor. Rounds alternate the setups.
 * Prints numbers; asserts nothing. Run as root: {@code CopyConditionerBenchmark [seconds]
 * [rounds]}.
 */
public final class CopyConditionerBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CopyConditionerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Map<String, Conditioner> setups = new LinkedHashMap<>();
    setups.put("no mirror", null);
    setups.put("mirror, no conditioner", null);
    setups.put("mirror, budget 10Mbit", new Conditioner(null, Bandwidth.parse("10Mbit"), null));
    setups.put(
        "mirror, snaplen 128 + budget 10Mbit",
        new Conditioner(128, Bandwidth.parse("10Mbit"), null));
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
                          Direction.BOTH,
                          EntryState.ACTIVE,
                          new LocalTarget(InterfaceName.of("tap900i0")),
                          List.of())
                      .conditioned(s.getValue()));
            }
            ConvergeReport r =
                c.converge(NodeMirrorPlan.of("node1", gen++, mirrors, List.of(), List.of()));
            if (!r.failures().isEmpty()) {
              throw new IllegalStateException(s.getKey() + ": " + r.failures());
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
                        "-J"));
            double took = (System.nanoTime() - t0) / 1e9;
            long copied = lab.bytes(sensor, "eth0", "rx") - sensor0;
            double gbps =
                out.path("end").path("sum_received").path("bits_per_second").asDouble() / 1e9;
            double copiesMbps = copied * 8 / took / 1e6;
            results
                .computeIfAbsent(s.getKey(), k -> new ArrayList<>())
                .add(new double[] {gbps, copiesMbps});
            System.out.printf(
                "round %d  %-36s production %6.2f Gbit/s   copies at the sensor %8.2f Mbit/s%n",
                round + 1, s.getKey(), gbps, copiesMbps);
          }
        }
      } finally {
        server.destroyForcibly();
        server.waitFor();
      }
      System.out.println();
      System.out.printf(
          "%-36s %-28s %s%n", "setup", "production Gbit/s (runs)", "copies Mbit/s (runs)");
      for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
        StringBuilder p = new StringBuilder();
        StringBuilder q = new StringBuilder();
        for (double[] v : e.getValue()) {
          p.append(String.format("%.2f ", v[0]));
          q.append(String.format("%.1f ", v[1]));
        }
        System.out.printf("%-36s %-28s %s%n", e.getKey(), p.toString().trim(), q.toString().trim());
      }
    }
  }
}
