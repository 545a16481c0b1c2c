package io.pvespan.lab.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command line: one JSON line per command, exit 1 on a failure Proxmox does not tolerate. */
class LifecycleMainIT {
  private static final String NODE = "pvlc-node3";
  private static final String VM = "pvlc-vm401";
  private LabNamespaces lab;

  @BeforeEach
  void lab() {
    lab = new LabNamespaces();
    lab.node(NODE);
    lab.namespace(VM);
  }

  @AfterEach
  void cleanup() {
    lab.close();
  }

  private record Run(int exit, List<JsonNode> lines, String err) {}

  private static Run main(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        LifecycleMain.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        lines.add(new ObjectMapper().readTree(l));
      }
    }
    return new Run(exit, lines, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void vmStartPrintsEveryCommandAndAForeignClsactMakesTheRateChangeExitOne() throws Exception {
    Run start =
        main(
            "vm-start",
            "--node-ns",
            NODE,
            "--vmid",
            "401",
            "--nic",
            "0",
            "--rate",
            "10",
            "--vm-ns",
            VM,
            "--gap-ms",
            "2",
            "--counter-dev",
            "pvlcctr0");
    assertThat(start.exit()).as(start.err()).isZero();
    assertThat(start.lines()).hasSize(13);
    JsonNode first = start.lines().get(0);
    assertThat(first.path("argv").get(0).asText()).isEqualTo("/usr/sbin/ip");
    assertThat(first.path("actor").asText()).isEqualTo("GUEST_RUNTIME");
    assertThat(start.lines().get(4).path("failureTolerated").asBoolean()).isTrue();
    assertThat(start.lines().get(4).path("exitCode").asInt()).isNotZero();
    for (int i = 1; i < start.lines().size(); i++) {
      long gap =
          start.lines().get(i).path("startNanos").asLong()
              - start.lines().get(i - 1).path("endNanos").asLong();
      assertThat(gap).isGreaterThanOrEqualTo(2_000_000L);
    }

    lab.sh("/usr/sbin/tc", "-n", NODE, "qdisc", "del", "dev", "tap401i0", "ingress");
    lab.sh("/usr/sbin/tc", "-n", NODE, "qdisc", "add", "dev", "tap401i0", "clsact");
    Run change =
        main(
            "rate-change",
            "--node-ns",
            NODE,
            "--vmid",
            "401",
            "--rate",
            "20",
            "--counter-dev",
            "pvlcctr0");
    assertThat(change.exit()).isEqualTo(1);
    assertThat(change.lines().get(change.lines().size() - 1).path("stderr").asText())
        .contains("Exclusivity flag on");
    assertThat(main("bogus", "--node-ns", NODE, "--vmid", "401").exit()).isEqualTo(2);
  }
}
