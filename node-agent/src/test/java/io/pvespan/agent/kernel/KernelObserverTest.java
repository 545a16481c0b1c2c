package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.model.InterfaceName;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Observation from canned iproute2 JSON (recorded on this kernel), in two processes. */
class KernelObserverTest {
  static final String LINKS =
      "[{\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\",\"UP\"],\"mtu\":65536,\"qdisc\":\"noqueue\"},"
          + "{\"ifname\":\"tap101i0\",\"flags\":[\"UP\"],\"mtu\":1500,\"qdisc\":\"htb\",\"linkinfo\":{\"info_kind\":\"veth\"}},"
          + "{\"ifname\":\"pspv1\",\"flags\":[\"BROADCAST\"],\"mtu\":1450,\"qdisc\":\"noop\",\"linkinfo\":{\"info_kind\":\"vxlan\",\"info_data\":{\"id\":5,\"remote\":\"198.18.0.2\",\"local\":\"198.18.0.1\",\"port\":4789,\"learning\":false}}},"
          + "{\"ifname\":\"we ird\",\"flags\":[],\"mtu\":1500}]";
  static final String QDISCS =
      "[{\"kind\":\"htb\",\"handle\":\"1:\",\"dev\":\"tap101i0\",\"root\":true},{\"kind\":\"ingress\",\"handle\":\"ffff:\",\"dev\":\"tap101i0\",\"parent\":\"ffff:fff1\"}]";
  static final String INGRESS =
      "[{\"parent\":\"ffff:\",\"protocol\":\"all\",\"pref\":7,\"kind\":\"u32\",\"chain\":0},"
          + "{\"parent\":\"ffff:\",\"protocol\":\"all\",\"pref\":7,\"kind\":\"u32\",\"chain\":0,\"options\":{\"fh\":\"801::800\",\"actions\":[{\"order\":1,\"kind\":\"mirred\",\"mirred_action\":\"mirror\",\"direction\":\"egress\",\"to_dev\":\"tap900i0\",\"control_action\":{\"type\":\"continue\"},\"stats\":{\"bytes\":1110,\"packets\":20},\"cookie\":\"70737031aaaaaaaaaaaabbbbbbbbbbbb\"}]}},"
          + "{\"parent\":\"ffff:\",\"protocol\":\"all\",\"pref\":50,\"kind\":\"u32\",\"chain\":0,\"options\":{\"fh\":\"800::800\",\"actions\":[{\"order\":1,\"kind\":\"mirred\",\"to_dev\":\"cnt0\",\"control_action\":{\"type\":\"pipe\"},\"stats\":{\"bytes\":5,\"packets\":1}}]}}]";

  static String answer(String line) {
    return switch (line) {
      case "link show" -> LINKS;
      case "qdisc show" -> QDISCS;
      case "filter show dev tap101i0 ingress" -> INGRESS;
      default -> "[]";
    };
  }

  @Test
  void readsEverythingInTwoProcessesAndKeepsOnlyOurCookieAsOurs() throws Exception {
    RecordingRunner r = new RecordingRunner(KernelObserverTest::answer, Set.of());
    ObservedNode n = new KernelObserver(r).observe();
    assertThat(r.processesSpawned()).isEqualTo(2);
    assertThat(r.batches.get(0))
        .containsExactly(
            "qdisc show",
            "filter show dev lo ingress",
            "filter show dev tap101i0 ingress",
            "filter show dev tap101i0",
            "filter show dev pspv1 ingress");
    var ingress = n.filters(InterfaceName.of("tap101i0"), TcSide.INGRESS);
    assertThat(ingress).hasSize(2);
    assertThat(ingress.get(0).ours()).isTrue();
    assertThat(ingress.get(0).bytes()).isEqualTo(1110);
    assertThat(ingress.get(0).control()).isEqualTo("continue");
    assertThat(ingress.get(1).ours()).isFalse();
    assertThat(n.links().get(InterfaceName.of("pspv1")).tunnel())
        .isEqualTo(new ObservedLink.TunnelParams("vxlan", 5L, "198.18.0.1", "198.18.0.2", 4789));
    assertThat(n.root(InterfaceName.of("tap101i0")).orElseThrow().handle()).isEqualTo("1:");
    assertThat(n.problems()).isEmpty();
  }

  @Test
  void aFailedShowLineShiftsNothing() throws Exception {
    RecordingRunner r =
        new RecordingRunner(KernelObserverTest::answer, Set.of("filter show dev lo ingress"));
    ObservedNode n = new KernelObserver(r).observe();
    assertThat(n.filters(InterfaceName.of("tap101i0"), TcSide.INGRESS)).hasSize(2);
    assertThat(n.problems()).singleElement().asString().contains("filter show dev lo ingress");
  }

  @Test
  void batchDiagnosticsKeepTheKernelsMessagePerLine() {
    assertThat(
            ProcessCommandRunner.failedLines(
                "Error: TC classifier not found.\nWe have an error talking to the kernel\n"
                    + "Command failed -:4\nCannot find device \"x\"\nCommand failed -:9\n"))
        .containsEntry(4, "Error: TC classifier not found.")
        .containsEntry(9, "Cannot find device \"x\"");
  }
}
