package io.pvespan.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Planned state of a mirror: the guest runs (active) or its device is awaited (waiting). */
public enum EntryState {
  ACTIVE,
  WAITING;

  @JsonCreator
  public static EntryState parse(String text) {
    for (EntryState s : values()) {
      if (s.json().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("state '" + text + "' is not active or waiting");
  }

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
