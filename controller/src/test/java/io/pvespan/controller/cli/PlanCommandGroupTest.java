package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan} explains a sensor group: each entry's share, and which members share the flows. */
class PlanCommandGroupTest {
  @Test
  void theTextPlanNamesEachSharesMemberAndTheGroupsMembers(@TempDir Path dir) throws Exception {
    Files.copy(
        PlanCommandTest.repoFile("crds-like-specs/examples/sensors.yaml"),
        dir.resolve("sensors.yaml"));
    String group =
        Files.readString(PlanCommandTest.repoFile("crds-like-specs/examples/sensor-group.yaml"))
            .replace("paused: true", "paused: false");
    Files.writeString(dir.resolve("group.yaml"), group);

    var r =
        PlanCommandTest.run(
            PlanCommandExamplesTest.SpecLoaderHolder.LOADER,
            "--specs",
            dir.toString(),
            "--inventory",
            PlanCommandTest.LAB);

    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("tap200i1  (group share 1/2 (ids-1))")
        .contains("(group share 2/2 (ids-2))")
        .contains(
            "sensor groups (each flow, both directions, to one live member):\n"
                + "  - sensor group ids-pool (sessions web-pool): 2 of 2 members share the flows by"
                + " symmetric hash: ids-1 (share 1/2, VM 200 on pve1), ids-2 (share 2/2, VM 201 on"
                + " pve3)\n");
  }
}
