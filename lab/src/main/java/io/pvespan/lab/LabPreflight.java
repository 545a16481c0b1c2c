package io.pvespan.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the lab needs before it touches the kernel; a missing piece is one clear line. */
public final class LabPreflight {
  private static final List<String> TOOLS =
      List.of(Exec.IP, Exec.TC, Exec.ETHTOOL, Exec.SYSCTL, Exec.IPERF3, LabHttp.CURL);

  private LabPreflight() {}

  /** Null when the lab can run here, else why not (one line). */
  public static String problem() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "the lab needs root (network namespaces, veth, tc); running as "
          + System.getProperty("user.name");
    }
    for (String tool : TOOLS) {
      if (!Files.isExecutable(Path.of(tool))) {
        return "the lab needs " + tool + " (apt-get install iproute2 ethtool procps iperf3 curl)";
      }
    }
    return null;
  }

  /** Throws {@link LabException} with {@link #problem()} when there is one. */
  public static void check() {
    String problem = problem();
    if (problem != null) {
      throw new LabException(problem);
    }
  }
}
