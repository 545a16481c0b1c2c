package io.pvespan.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvespan.model.PortRange;
import io.pvespan.model.PortSet;
import io.pvespan.model.Sample;
import io.pvespan.plan.PlanJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The filter rule's values: ports in their three spellings, the older form unchanged, sample. */
class FilterRuleTest {
  private static FilterRule read(String json) throws Exception {
    return PlanJson.MAPPER.readValue(json, FilterRule.class);
  }

  @Test
  void portsAreANumberARangeOrAListOfThose() throws Exception {
    FilterEndpoint e =
        read("{\"action\":\"accept\",\"protocol\":\"tcp\",\"source\":{\"ports\":[80,\"8000-8090\"]}}")
            .source();
    assertThat(e.ports().ranges())
        .containsExactly(new PortRange(80, 80), new PortRange(8000, 8090));
    assertThat(
            read("{\"action\":\"accept\",\"protocol\":\"udp\",\"ports\":\"1024-65535\"}").ports())
        .isEqualTo(new PortSet(List.of(new PortRange(1024, 65535))));
    assertThat(read("{\"action\":\"accept\",\"protocol\":\"udp\",\"ports\":53}").ports())
        .isEqualTo(PortSet.of(53));
    assertThatThrownBy(() -> PortRange.parse("2000-1000")).hasMessageContaining("backwards");
    assertThatThrownBy(() -> PortRange.parse("70000")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> PortRange.parse("8o")).hasMessageContaining("not a port");
  }

  @Test
  void theOlderFormReadsAndWritesAsBefore() throws Exception {
    String old =
        "{\"action\":\"drop\",\"protocol\":\"tcp\",\"cidr\":\"10.0.0.0/8\",\"ports\":[443]}";
    FilterRule r = read(old);
    assertThat(r)
        .isEqualTo(
            new FilterRule(
                FilterRule.Action.DROP, FilterRule.Protocol.TCP, "10.0.0.0/8", List.of(443)));
    assertThat(PlanJson.MAPPER.writeValueAsString(r)).isEqualTo(old);
    assertThat(r.appliesTo()).isEqualTo(io.pvespan.model.Direction.BOTH);
    assertThat(read("{\"action\":\"accept\",\"protocol\":\"tcp\",\"ports\":[]}").ports())
        .as("the older ports: [] put no condition on ports")
        .isNull();
  }

  @Test
  void theAwsFormRefusesWhatCanNeverMatch() {
    assertThatThrownBy(
            () ->
                read(
                    "{\"action\":\"accept\",\"source\":{\"cidr\":\"10.0.0.0/8\"},"
                        + "\"destination\":{\"cidr\":\"2001:db8::/32\"}}"))
        .hasMessageContaining("different IP versions");
    assertThatThrownBy(
            () -> read("{\"action\":\"accept\",\"cidr\":\"10.0.0.0/8\",\"source\":{\"ports\":1}}"))
        .hasMessageContaining("cannot be combined");
    assertThatThrownBy(() -> read("{\"action\":\"accept\",\"source\":{\"ports\":[22]}}"))
        .hasMessageContaining("ports need protocol");
  }

  @Test
  void sampleIsOneInN() {
    assertThat(Sample.parse("1/10").denominator()).isEqualTo(10);
    assertThat(Sample.parse("1/10").threshold()).isEqualTo(429_496_730L);
    assertThat(Sample.parse("1/1").everything()).isTrue();
    assertThat(Sample.parse("1/1000000").threshold()).isEqualTo(4295L);
    assertThatThrownBy(() -> Sample.parse("2/10")).hasMessageContaining("is not 1/N");
    assertThatThrownBy(() -> Sample.parse("1/0")).hasMessageContaining("is not 1/N");
    assertThatThrownBy(() -> Sample.parse("1/1000001")).hasMessageContaining("outside");
  }
}
