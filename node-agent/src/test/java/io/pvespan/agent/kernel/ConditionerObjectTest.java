package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConditionerObjectTest {
  @Test
  void theObjectIsWrittenAgainWhenItsTemporaryFileIsGone() throws Exception {
    assertThat(ConditionerObject.problem()).as("the build compiles conditioner.o (clang)").isNull();
    Path first = ConditionerObject.path().orElseThrow();
    byte[] bytes = Files.readAllBytes(first);
    assertThat(bytes).isNotEmpty();
    // systemd-tmpfiles removes a temporary file unused for 10 days.
    Files.delete(first);
    Path again = ConditionerObject.path().orElseThrow();
    assertThat(again).isRegularFile();
    assertThat(Files.readAllBytes(again)).isEqualTo(bytes);
  }
}
