package io.pvespan.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The spec directory of an E2E run: sensor {@code ids-1} (vm 200 net1 on pve1), session {@code
 * local-web} (vm 101 on pve1: local), {@code cross-proxy} (vm 103, lxc on pve2: through VXLAN) and
 * {@code tagged} (guests tagged {@code span-e2e}: none at first). One file per document, so a test
 * changes one the way a Git commit would (written aside, then moved into place). Every session
 * allows duplicates (see {@link #session}).
 */
record E2ESpecs(Path dir) {
  static final String HEADER = "apiVersion: pvespan.io/v1alpha1\n";

  void writeDefaults() throws IOException {
    Files.createDirectories(dir);
    write(
        "sensor-ids-1.yaml",
        HEADER + "kind: Sensor\nmetadata: {name: ids-1}\nspec:\n  vm: {vmid: 200, nic: net1}\n");
    write("local-web.yaml", session("local-web", "vmids: [101]", false));
    write("cross-proxy.yaml", session("cross-proxy", "vmids: [103]", false));
    write("tagged.yaml", session("tagged", "tags: [span-e2e]", false));
  }

  /** Copies every {@code *.yaml} of {@code examples} here. */
  void copyFrom(Path examples) throws IOException {
    Files.createDirectories(dir);
    try (var files = Files.list(examples)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        write(f.getFileName().toString(), Files.readString(f));
      }
    }
  }

  static String session(String name, String sources, boolean paused) {
    return HEADER
        + "kind: MirrorSession\n"
        + "metadata: {name: "
        + name
        + "}\n"
        + "spec:\n"
        + "  sources: {"
        + sources
        + "}\n"
        + "  direction: both\n"
        + "  sensorRef: ids-1\n"
        // The E2E ledgers count a packet once per mirrored source NIC (SensorLedger, MirrorMeter);
        // guests the lifecycle driver (re)starts get their configured MACs, so each packet once
        // per sensor would remove copies they count. OncePerSensorE2E tests that on its own.
        + "  duplicates: allow\n"
        + (paused ? "  paused: true\n" : "");
  }

  /** Writes {@code file} atomically (temp file outside the tree, then rename). */
  void write(String file, String content) throws IOException {
    Path tmp = Files.createTempFile(dir.getParent(), ".spec", ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
  }
}
