package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A tunnel device sends copies to a remote, or receives them for delivery into a sensor. */
public enum TunnelRole {
  SEND,
  RECEIVE;

  @JsonCreator
  public static TunnelRole parse(String text) {
    for (TunnelRole r : values()) {
      if (r.json().equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("tunnel role '" + text + "' is not send or receive");
  }

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
