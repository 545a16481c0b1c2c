package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pvespan.model.Bandwidth;
import io.pvespan.spec.MirrorSessionSpec;

/**
 * How a mirror entry's copies are conditioned on the source node before they reach the target (the
 * agent's copy conditioner, see docs/agent-kernel.md): cut to their first {@code snaplen} bytes,
 * held to {@code budget} (per session and target on this node: every entry of the session here
 * shares it), tagged with VLAN {@code vlan}. Each null when not asked for; never all null (an entry
 * without conditioning has no conditioner). Never applied to the guests' own frames.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Conditioner(Integer snaplen, Bandwidth budget, Integer vlan) {
  public static final int MIN_SNAPLEN = MirrorSessionSpec.MIN_SNAPLEN;
  public static final int MAX_SNAPLEN = MirrorSessionSpec.MAX_SNAPLEN;

  public Conditioner {
    if (snaplen == null && budget == null && vlan == null) {
      throw new IllegalArgumentException("a conditioner without snaplen, budget or vlan");
    }
    if (snaplen != null && (snaplen < MIN_SNAPLEN || snaplen > MAX_SNAPLEN)) {
      throw new IllegalArgumentException(
          "snaplen " + snaplen + " is outside " + MIN_SNAPLEN + ".." + MAX_SNAPLEN);
    }
    if (vlan != null && (vlan < 1 || vlan > 4094)) {
      throw new IllegalArgumentException("vlan " + vlan + " is outside 1..4094");
    }
  }

  /** The conditioner for these settings, or null when none is asked for. */
  public static Conditioner of(Integer snaplen, Bandwidth budget, Integer vlan) {
    return snaplen == null && budget == null && vlan == null
        ? null
        : new Conditioner(snaplen, budget, vlan);
  }

  /** "snaplen 128, budget 10Mbit, vlan 100" (the parts present), for plan text and reasons. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    if (snaplen != null) {
      b.append("snaplen ").append(snaplen);
    }
    if (budget != null) {
      b.append(b.isEmpty() ? "" : ", ").append("budget ").append(budget);
    }
    if (vlan != null) {
      b.append(b.isEmpty() ? "" : ", ").append("vlan ").append(vlan);
    }
    return b.toString();
  }
}
