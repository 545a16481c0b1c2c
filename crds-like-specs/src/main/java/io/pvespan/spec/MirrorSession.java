package io.pvespan.spec;

import java.util.Objects;

/** {@code kind: MirrorSession}: which guest NICs are mirrored, which way, to which sensor. */
public record MirrorSession(
    String apiVersion, String kind, ObjectMeta metadata, MirrorSessionSpec spec) {
  public static final String KIND = "MirrorSession";

  public MirrorSession {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(spec, "spec");
  }

  public static MirrorSession of(String name, MirrorSessionSpec spec) {
    return new MirrorSession(SpecApi.VERSION, KIND, new ObjectMeta(name), spec);
  }

  public String name() {
    return metadata.name();
  }
}
