package io.pvespan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The lab's mutual TLS, made the way an admin makes it: {@code ./pvespan certs init} and {@code
 * certs issue} run from the controller's jar, a fresh CA per lab run, one agent certificate per
 * node (valid for its underlay address) and the controller's client certificate.
 */
public final class LabPki {
  private static final Duration CERTS_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;

  private LabPki(Path dir) {
    this.dir = dir;
  }

  /** Replaces {@code dir} with a new CA and certificates for {@code nodes} and the controller. */
  public static LabPki issue(Path controllerJar, Path dir, List<LabNode> nodes) {
    try {
      if (Files.isDirectory(dir)) {
        try (var old = Files.walk(dir)) {
          for (Path f : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
    } catch (IOException e) {
      throw new LabException("cannot clear " + dir + ": " + e, e);
    }
    certs(controllerJar, List.of("init", "--dir", dir.toString()));
    for (LabNode node : nodes) {
      certs(
          controllerJar,
          List.of("issue", "--dir", dir.toString(), "--node", node.name(), "--ip", node.address()));
    }
    certs(controllerJar, List.of("issue", "--dir", dir.toString(), "--controller"));
    return new LabPki(dir);
  }

  private static void certs(Path jar, List<String> args) {
    List<String> all = new ArrayList<>(List.of("certs"));
    all.addAll(args);
    Exec.Result r = JarProcess.run(jar, all, CERTS_TIMEOUT);
    if (r.exitCode() != 0) {
      throw new LabException(
          "./pvespan "
              + String.join(" ", all)
              + ": exit "
              + r.exitCode()
              + ": "
              + r.stderr().strip());
    }
  }

  public Path ca() {
    return dir.resolve("ca.crt");
  }

  public Path cert(String name) {
    return dir.resolve(name + ".crt");
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  /** The agent's TLS options for {@code node}. */
  public List<String> agentArgs(String node) {
    return List.of(
        "--tls-cert", cert(node).toString(),
        "--tls-key", key(node).toString(),
        "--tls-ca", ca().toString());
  }

  /** curl options that call an agent as the controller (its client certificate). */
  public List<String> controllerCurlArgs() {
    return List.of(
        "--cacert", ca().toString(),
        "--cert", cert("controller").toString(),
        "--key", key("controller").toString());
  }
}
