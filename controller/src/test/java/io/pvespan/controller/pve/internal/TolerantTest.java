package io.pvespan.controller.pve.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TolerantTest {
  final ObjectMapper m = new ObjectMapper();

  @Test
  void booleansAndNumbersInEveryShapeRealServersAndMocksSend() throws Exception {
    var n =
        m.readTree(
            "{\"a\":1,\"b\":0,\"c\":true,\"d\":\"1\",\"e\":\"0\",\"f\":null,\"v\":\"100\",\"w\":7}");
    assertThat(Tolerant.bool(n, "a")).isTrue();
    assertThat(Tolerant.bool(n, "b")).isFalse();
    assertThat(Tolerant.bool(n, "c")).isTrue();
    assertThat(Tolerant.bool(n, "d")).isTrue();
    assertThat(Tolerant.bool(n, "e")).isFalse();
    assertThat(Tolerant.bool(n, "f")).isFalse();
    assertThat(Tolerant.bool(n, "absent")).isFalse();
    assertThat(Tolerant.integer(n, "v")).isEqualTo(100);
    assertThat(Tolerant.integer(n, "w")).isEqualTo(7);
    assertThat(Tolerant.integer(n, "absent")).isNull();
  }

  @Test
  void tagsSplitOnSemicolonCommaAndSpaces() {
    assertThat(Tolerant.tags("span-dmz;web, db  x;;"))
        .containsExactly("span-dmz", "web", "db", "x");
    assertThat(Tolerant.tags(null)).isEmpty();
    assertThat(Tolerant.tags("")).isEmpty();
  }
}
