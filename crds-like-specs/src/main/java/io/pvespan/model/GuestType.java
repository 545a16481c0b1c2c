package io.pvespan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A Proxmox guest type, and the host device prefix Proxmox uses for its NICs. */
public enum GuestType {
  QEMU("qemu", "tap"),
  LXC("lxc", "veth");

  private final String json;
  private final String devicePrefix;

  GuestType(String json, String devicePrefix) {
    this.json = json;
    this.devicePrefix = devicePrefix;
  }

  public String devicePrefix() {
    return devicePrefix;
  }

  @JsonCreator
  public static GuestType parse(String text) {
    for (GuestType t : values()) {
      if (t.json.equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException("guest type '" + text + "' is not qemu or lxc");
  }

  @JsonValue
  public String json() {
    return json;
  }
}
