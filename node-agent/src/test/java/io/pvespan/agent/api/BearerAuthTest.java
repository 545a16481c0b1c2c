package io.pvespan.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerAuthTest {
  private final BearerAuth auth = new BearerAuth("s3cret-token");

  @Test
  void onlyTheExactTokenPasses() {
    assertThat(auth.allows("Bearer s3cret-token")).isTrue();
    assertThat(auth.allows("bearer s3cret-token")).isTrue();
    assertThat(auth.allows(null)).isFalse();
    assertThat(auth.allows("Bearer")).isFalse();
    assertThat(auth.allows("Bearer s3cret-toke")).isFalse();
    assertThat(auth.allows("Bearer s3cret-token2")).isFalse();
    assertThat(auth.allows("Basic s3cret-token")).isFalse();
    assertThat(auth.allows("s3cret-token")).isFalse();
  }
}
