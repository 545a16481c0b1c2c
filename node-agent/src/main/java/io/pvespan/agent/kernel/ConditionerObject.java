package io.pvespan.agent.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The copy conditioner's eBPF object ({@code src/main/bpf/conditioner.c}, compiled by clang when
 * the agent is built and shipped in its jar), written to a private temporary file (again if it
 * disappears) for {@code tc filter add ... bpf obj FILE}: tc loads the programs into the kernel
 * when the filter is added, so the file is needed only then. {@link #path()} is empty, with {@link
 * #problem()} saying why, when the jar has no object or it cannot be written; a conditioner that
 * needs it then fails its entries with that reason (snaplen and vlan are never silently ignored).
 */
public final class ConditionerObject {
  /** Where the build puts the object in the jar. */
  public static final String RESOURCE = "/io/pvespan/agent/bpf/conditioner.o";

  /** The program sections (one per job) and what their classid minor means. */
  public static final String SNAPLEN_SECTION = "snaplen";

  public static final String VLAN_SECTION = "vlan";

  /** The classid minor bit that tells the vlan program to tag (the VLAN id is in the low 12). */
  public static final int VLAN_PRESENT = 0x1000;

  private static final Object LOCK = new Object();
  private static Path written;
  private static String problem; // for good: the jar has no object
  private static String failure; // the last write failed; tried again at the next use

  private ConditionerObject() {}

  /**
   * The object's file, written on first use and again when it is gone (a temporary file unused for
   * 10 days is removed by systemd-tmpfiles, also in the unit's private /tmp); empty when
   * unavailable ({@link #problem()}).
   */
  public static Optional<Path> path() {
    synchronized (LOCK) {
      if (written != null && !Files.isRegularFile(written)) {
        written = null;
      }
      if (written == null && problem == null) {
        write();
      }
      return Optional.ofNullable(written);
    }
  }

  /** Why {@link #path()} is empty (null when it is not). */
  public static String problem() {
    synchronized (LOCK) {
      path();
      return problem != null ? problem : written == null ? failure : null;
    }
  }

  private static void write() {
    try (InputStream in = ConditionerObject.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        problem =
            "this agent was built without its eBPF object (conditioner.o: clang was missing at"
                + " build time), which snaplen and vlan need";
        return;
      }
      // In a directory of its own (0700, a random name): nobody else can put a file of theirs
      // where tc, as root, will load it from, even outside the unit's private /tmp.
      Path dir = Files.createTempDirectory("pvespan-bpf-");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("conditioner.o");
      file.toFile().deleteOnExit();
      Files.write(file, in.readAllBytes());
      written = file.toAbsolutePath();
      failure = null;
    } catch (IOException | RuntimeException e) {
      // Not kept as the problem: a full disk now need not be one at the next converge.
      failure = "the eBPF object conditioner.o could not be written to a temporary file: " + e;
    }
  }
}
