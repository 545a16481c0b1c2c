package io.pvespan.controller.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.controller.ControllerSnapshot;
import io.pvespan.controller.api.ApiServer;
import io.pvespan.controller.cli.CaptureCommand;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.plan.NodeMirrorPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * {@code ./pvespan capture} against a real controller API on 127.0.0.1 whose agents are fakes: two
 * nodes' streams of one guest (a migration: numbers 0..59 on pve1, 40..99 on pve2, the overlap the
 * same bytes) come out as one pcap with every number once, in order.
 */
class CaptureCommandIT {
  private final ByteArrayOutputStream pcap = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Serves each node's whole stream at the first read, then ends it. */
  static final class FakeAgents implements CaptureClient {
    final Map<String, byte[]> streams;
    final List<String> cancelled = new ArrayList<>();
    final Map<String, String> started = new ConcurrentHashMap<>();

    FakeAgents(Map<String, byte[]> streams) {
      this.streams = streams;
    }

    @Override
    public String start(
        URI agent,
        String node,
        String session,
        InterfaceName device,
        Direction direction,
        Optional<String> filter,
        List<io.pvespan.spec.FilterRule> rules,
        Duration duration,
        long maxBytes) {
      started.put(node, device + " " + direction.json() + " " + filter.orElse(""));
      return node;
    }

    @Override
    public Chunk read(URI agent, String node, String id, long from) {
      byte[] all = streams.getOrDefault(node, new byte[0]);
      byte[] rest = java.util.Arrays.copyOfRange(all, (int) Math.min(from, all.length), all.length);
      return new Chunk(from, rest, true, "duration reached");
    }

    @Override
    public synchronized void cancel(URI agent, String node, String id) {
      cancelled.add(node);
    }
  }

  private int capture(String... args) {
    return new CaptureCommand(() -> pcap)
        .run(
            List.of(args),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static byte[] stream(int from, int to) {
    List<PcapRecord> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      records.add(PcapMergeTest.rec(0, 1_700_000_000_000_000L + i * 2000L, i));
    }
    return PcapMergeTest.stream(ByteOrder.LITTLE_ENDIAN, false, records.toArray(PcapRecord[]::new));
  }

  private ControllerSnapshot snapshot() {
    return CaptureTargetsTest.snapshot(
        List.of(
            NodeMirrorPlan.of(
                "pve1",
                1,
                List.of(CaptureTargetsTest.entry("web", 101, Direction.EGRESS)),
                List.of(),
                List.of())));
  }

  @Test
  void twoNodesStreamsOfAMigratingGuestBecomeOnePcapWithEveryFrameOnce() throws Exception {
    FakeAgents agents = new FakeAgents(Map.of("pve1", stream(0, 60), "pve2", stream(40, 100)));
    ControllerSnapshot s = snapshot();
    try (ApiServer api =
        ApiServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> s,
            () -> true,
            new Captures(() -> s, agents, (snap, node) -> URI.create("http://" + node + "/")))) {
      int code =
          capture(
              "--controller", "http://127.0.0.1:" + api.port(),
              "--session", "web",
              "--vm", "101",
              "--filter", "udp port 5300",
              "--duration", "1s");

      assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("pvespan capture: capturing web on pve1 tap101i0, pve2 tap101i0 for 1s")
          .contains("pvespan capture: ended: duration reached");
      assertThat(agents.started)
          .containsEntry("pve1", "tap101i0 egress udp port 5300")
          .containsEntry("pve2", "tap101i0 egress udp port 5300");
      List<PcapRecord> records = new PcapParser(0).feed(pcap.toByteArray());
      assertThat(records)
          .extracting(PcapMergeTest::seq)
          .containsExactlyElementsOf(PcapMergeTest.range(100));
      assertThat(pcap.toByteArray()).startsWith(PcapRecord.globalHeader());
    }
  }

  @Test
  void anUnknownSessionOrAVmOutsideItIsOneLineAndExit1() throws Exception {
    ControllerSnapshot s = snapshot();
    try (ApiServer api =
        ApiServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            () -> s,
            () -> true,
            new Captures(
                () -> s, new FakeAgents(Map.of()), (snap, n) -> URI.create("http://x/")))) {
      String url = "http://127.0.0.1:" + api.port();
      assertThat(capture("--controller", url, "--session", "dmz")).isEqualTo(1);
      assertThat(capture("--controller", url, "--session", "web", "--vm", "102")).isEqualTo(1);
      assertThat(capture("--controller", url, "--session", "web", "--bytes", "2G")).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith(
              "pvespan capture: no session dmz (sessions: db, web)\n"
                  + "pvespan capture: VM 102 is not a source of session web\n")
          .contains("--bytes '2G' must be more than 0 and at most 1G");
      assertThat(pcap.size()).isZero();
    }
  }
}
