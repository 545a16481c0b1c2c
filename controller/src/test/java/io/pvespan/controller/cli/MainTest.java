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
}
