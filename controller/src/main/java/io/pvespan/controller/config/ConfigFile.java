package io.pvespan.controller.config;

import java.util.Map;

/**
 * {@code controller.yaml} as written, bound by Jackson once its JSON Schema ({@code
 * controller.schema.json} beside this class) has passed: text, numbers and flags, before paths are
 * resolved, secrets read and values checked across fields ({@link ConfigLoader}). One record per
 * section, so a broken section does not keep the others from being checked.
 */
final class ConfigFile {
  private ConfigFile() {}

  record PveSection(
      String url,
      String token,
      String tokenFile,
      String fingerprint,
      String caFile,
      Boolean insecure,
      String inventoryFile) {}

  record SpecsSection(String path, Git git) {
    record Git(
        String url,
        String branch,
        String credentialsFile,
        String sshKeyFile,
        String pollInterval) {}
  }

  record AgentsSection(
      Integer port,
      String scheme,
      String tokenFile,
      Boolean insecure,
      String caFile,
      String fingerprint,
      Map<String, String> urls,
      Tls tls,
      Boolean insecureLabHttp) {
    record Tls(String ca, String cert, String key) {}
  }

  record HaSection(
      String jdbcUrl,
      String user,
      String passwordFile,
      String checkInInterval,
      String instanceId) {}

  record NodesSection(Map<String, String> addresses, Integer mtu, Map<String, Integer> mtus) {}
}
