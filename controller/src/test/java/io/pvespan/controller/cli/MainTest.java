package io.pvespan.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void controllerAndStatusAreCommandsWithUsage() {
    assertThat(Main.commands()).containsKeys("controller", "status");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(Main.run(List.of("status", "--help"), ps, ps)).isZero();
    assertThat(Main.run(List.of("controller", "--help"), ps, ps)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("usage: ./pvespan status [--controller URL] [--output text|json]")
        .contains("usage: ./pvespan controller --config FILE");
  }

  @Test
  void labCommandsAreNotInTheControllerJarAndSayWhereTheyAre() {
    assertThat(Main.commands()).doesNotContainKeys("demo", "pve-standin");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(
            Main.run(
                List.of("demo"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "pvespan: 'demo' lives in the lab jar (lab/target/pvespan-lab.jar), not in the"
                + " controller's; run ./pvespan demo"
                + System.lineSeparator());
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
