package io.pvespan.lab;

import java.util.Objects;
import java.util.regex.Pattern;

/** A lab "Proxmox node": a namespace named {@code <prefix>-<name>} with {@code ul0} = address. */
public record LabNode(String name, String address) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,10}");

  public LabNode {
    Objects.requireNonNull(address, "address");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("lab node name '" + name + "' must match " + NAME);
    }
    if (!address.startsWith("198.18.0.")) {
      throw new IllegalArgumentException("lab node address " + address + " not in 198.18.0.0/24");
    }
  }
}
