package io.pvespan.spec;

/** The API group and version every pvespan document carries. */
public final class SpecApi {
  public static final String VERSION = "pvespan.io/v1alpha1";

  private SpecApi() {}
}
