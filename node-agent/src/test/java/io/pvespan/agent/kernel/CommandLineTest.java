package io.pvespan.agent.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.model.InterfaceName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile text cannot become a command token: not as a name, not as a keyword, not as an address.
 */
class CommandLineTest {
  @ParameterizedTest
  @ValueSource(strings = {"tap1;reboot", "tap1 up", "-force", "tap\nx", "a\"b", "$(id)", ""})
  void hostileInterfaceNamesCannotExist(String text) {
    assertThatThrownBy(() -> InterfaceName.of(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "x;y", "\"q\"", "-n", "#c", "a\nb"})
  void keywordsAreSingleSafeTokens(String text) {
    assertThatThrownBy(() -> CommandLine.of(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com", "198.18.0.1 remote", "1.2.3.4;x", "::1%eth0"})
  void addressesAreLiterals(String text) {
    assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void batchLinesQuoteOnlyBytecode() {
    var p = new BpfProgram(java.util.List.of(new BpfProgram.Insn(6, 0, 0, 0)));
    CommandLine l =
        CommandLine.of("filter", "add", "dev")
            .dev(InterfaceName.of("tap1i0"))
            .kw("bpf")
            .kw("bytecode")
            .bytecode(p);
    assertThat(l.batchLine()).isEqualTo("filter add dev tap1i0 bpf bytecode \"1,6 0 0 0\"");
    assertThat(l.argv())
        .containsExactly("filter", "add", "dev", "tap1i0", "bpf", "bytecode", "1,6 0 0 0");
  }
}
