package io.pvespan.version;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The project version every jar was built from ({@code ./pvespan --version}), read from a resource
 * Maven fills in at build time, so it can never disagree with the pom.
 */
public final class PvespanVersion {
  private static final String RESOURCE = "/io/pvespan/version.properties";

  private PvespanVersion() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the resource is missing. */
  public static String get() {
    try (InputStream in = PvespanVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      // An unfiltered copy (an IDE build without Maven) still has the placeholder.
      return v.startsWith("$") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The line {@code --version} prints: {@code pvespan VERSION (COMPONENT)}. */
  public static String line(String component) {
    return "pvespan " + get() + " (" + component + ")";
  }
}
