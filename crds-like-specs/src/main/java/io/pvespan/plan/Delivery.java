package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pvespan.model.InterfaceName;
import java.util.Comparator;
import java.util.Objects;

/**
 * On the sensor's node: everything that arrives on tunnel device {@code from} is redirected into
 * the sensor's device {@code interface}. {@code state} is WAITING while the sensor guest is not
 * running.
 */
public record Delivery(
    String session,
    InterfaceName from,
    @JsonProperty("interface") InterfaceName device,
    EntryState state) {
  static final Comparator<Delivery> ORDER =
      Comparator.comparing(Delivery::from)
          .thenComparing(Delivery::device)
          .thenComparing(Delivery::session);

  public Delivery {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(device, "interface");
    state = state == null ? EntryState.ACTIVE : state;
  }
}
