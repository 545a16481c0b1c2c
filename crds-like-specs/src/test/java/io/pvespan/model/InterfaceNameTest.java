package io.pvespan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterfaceNameTest {
  /** The documented form; the constructor checks it by hand and must agree exactly. */
  static final Pattern FORM = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tap101i0", "veth999999999i31", "pspv0a1b2c", "vmbr0.20", "a", "_x", "9", "fwpr101p0",
        "abcdefghijklmno", "abcdefghijklmnop", "", "-x", ".x", "tap1;reboot", "a b", "tap$1",
        "é", "a\n", "x-._", "Z", "tap101i0\u0000", "/", "a/b", "--help"
      })
  void acceptsExactlyTheDocumentedForm(String name) {
    if (FORM.matcher(name).matches()) {
      assertThat(InterfaceName.of(name).value()).isEqualTo(name);
    } else {
      assertThatThrownBy(() -> InterfaceName.of(name))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a Linux interface name");
    }
  }
}
