package io.pvespan.spec;

import java.util.regex.Pattern;

/** {@code metadata}: a name unique per kind, DNS-label style (as Kubernetes object names). */
public record ObjectMeta(String name) {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public ObjectMeta {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metadata.name '" + name + "' must be lower-case letters, digits and '-' (max 63)");
    }
  }
}
