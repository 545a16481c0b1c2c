package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A guest NIC key, {@code net0} .. {@code net31} (Proxmox's MAX_NETS is 32). */
public record NicId(int index) implements Comparable<NicId> {
  public static final int MAX_INDEX = 31;
  private static final Pattern FORM = Pattern.compile("net(0|[1-9][0-9]?)");

  public NicId {
    if (index < 0 || index > MAX_INDEX) {
      throw new IllegalArgumentException("NIC net" + index + " is outside net0..net" + MAX_INDEX);
    }
  }

  /** Parses {@code netN}; anything else is an {@link IllegalArgumentException}. */
  @JsonCreator
  public static NicId parse(String text) {
    if (text == null || !FORM.matcher(text).matches()) {
      throw new IllegalArgumentException("NIC '" + text + "' is not one of net0..net" + MAX_INDEX);
    }
    return new NicId(Integer.parseInt(text.substring(3)));
  }

  @JsonValue
  public String key() {
    return "net" + index;
  }

  @Override
  public int compareTo(NicId o) {
    return Integer.compare(index, o.index);
  }

  @Override
  public String toString() {
    return key();
  }
}
