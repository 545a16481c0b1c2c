package io.pvespan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BandwidthTest {
  @ParameterizedTest
  @CsvSource({
    "64kbit, 64000, 64kbit",
    "500kbit, 500000, 500kbit",
    "10Mbit, 10000000, 10Mbit",
    "1000Mbit, 1000000000, 1Gbit",
    "100Gbit, 100000000000, 100Gbit"
  })
  void parsesTcStyleRates(String text, long bits, String written) {
    Bandwidth b = Bandwidth.parse(text);
    assertThat(b.bitsPerSecond()).isEqualTo(bits);
    assertThat(b.toString()).isEqualTo(written);
    assertThat(b.tcRate()).isEqualTo(bits + "bit");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10mbps", "10 Mbit", "0Mbit", "10Mbit/s", "63kbit", "101Gbit", "1e3kbit"})
  void refusesWhatIsNotARateInBounds(String text) {
    assertThatThrownBy(() -> Bandwidth.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 4095, -1})
  void vlanIdsOutsideTheRangeAreRefused(int id) {
    assertThatThrownBy(() -> new CopyVlan(id)).isInstanceOf(IllegalArgumentException.class);
  }
}
