package io.pvespan.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A clean Debian bookworm booted with systemd as PID 1 by {@code systemd-nspawn}, in a network
 * namespace of its own ({@code /run/netns/NAME}) so the host can build a lab node in it and reach
 * the agent with {@code ip netns exec}. The root file system comes from {@code debootstrap}
 * (minbase + systemd, iproute2, dbus and the Java runtime the packages depend on), or, for a
 * developer's repeated runs, is copied from the pristine tree named by {@value #ROOTFS_CACHE_ENV}.
 * {@link #close()} ends the machine and removes the namespace and the root file system, also after
 * a failure.
 */
final class DebianSystem implements AutoCloseable {
  /** A pristine debootstrapped tree to copy instead of debootstrapping (never modified). */
  static final String ROOTFS_CACHE_ENV = "PVESPAN_DEB_ROOTFS";

  static final List<String> PACKAGES =
      List.of("systemd", "systemd-sysv", "iproute2", "tcpdump", "dbus", "default-jre-headless");

  private final String name;
  private final Path rootfs;
  private final Path log;
  private Process nspawn;
  private long pid1;

  private DebianSystem(String name, Path rootfs, Path log) {
    this.name = name;
    this.rootfs = rootfs;
    this.log = log;
  }

  /** Builds the root file system, boots it and waits until systemd reports the boot finished. */
  static DebianSystem boot(String name, Path log) {
    DebianSystem system = new DebianSystem(name, Path.of("/var/tmp", name + "-rootfs"), log);
    try {
      system.start();
      return system;
    } catch (RuntimeException | Error e) {
      system.close();
      throw e;
    }
  }

  private void start() {
    Cmd.ok("ip", "netns", "add", name);
    Cmd.ok("ip", "-n", name, "link", "set", "lo", "up");
    long t0 = System.nanoTime();
    Optional<String> cache = Optional.ofNullable(System.getenv(ROOTFS_CACHE_ENV));
    if (cache.isPresent()) {
      Cmd.ok("cp", "-a", cache.get(), rootfs.toString());
    } else {
      Cmd.run(
              Duration.ofMinutes(5),
              List.of(
                  "debootstrap",
                  "--variant=minbase",
                  "--include=" + String.join(",", PACKAGES),
                  "bookworm",
                  rootfs.toString()))
          .ok();
    }
    System.out.printf(
        "DebianSystem: root file system %s in %d s%n",
        cache.map(c -> "copied from " + c).orElse("debootstrapped"), seconds(t0));
    long t1 = System.nanoTime();
    try {
      nspawn =
          new ProcessBuilder(
                  "systemd-nspawn",
                  "-D",
                  rootfs.toString(),
                  "--register=no",
                  "--keep-unit",
                  "--boot",
                  "--network-namespace-path=/run/netns/" + name,
                  // nspawn grants CAP_NET_ADMIN only with a private network it made itself.
                  "--capability=CAP_NET_ADMIN",
                  "--machine=" + name,
                  "--console=read-only")
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pid1 = awaitPid1();
    // "offline" or "Failed to connect to bus" until PID 1 listens on its private socket; then
    // --wait blocks until the boot ends.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    Cmd.Result state =
        Cmd.run(Duration.ofSeconds(90), inside("systemctl", "is-system-running", "--wait"));
    while (List.of("", "offline").contains(state.out().strip()) && System.nanoTime() < deadline) {
      sleep(200);
      state = Cmd.run(Duration.ofSeconds(90), inside("systemctl", "is-system-running", "--wait"));
    }
    String booted = state.out().strip();
    if (!booted.equals("running") && !booted.equals("degraded")) {
      throw new AssertionError(
          "the machine did not boot (" + booted + "); console log: " + log + "\n" + state);
    }
    if (booted.equals("degraded")) {
      System.out.println(exec("systemctl", "--failed", "--no-pager").out());
    }
    System.out.printf(
        "DebianSystem: booted (%s) in %d ms%n",
        booted, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1));
  }

  private long awaitPid1() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!nspawn.isAlive()) {
        throw new AssertionError("systemd-nspawn exited " + nspawn.exitValue() + "; see " + log);
      }
      // nspawn's first child is transient; PID 1 is the descendant that is 1 in its namespace.
      Optional<ProcessHandle> init =
          nspawn.toHandle().descendants().filter(this::isInit).findFirst();
      if (init.isPresent()) {
        return init.get().pid();
      }
      sleep(100);
    }
    throw new AssertionError("no PID 1 under systemd-nspawn after 20 s; see " + log);
  }

  private boolean isInit(ProcessHandle p) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status")).stream()
          .anyMatch(l -> l.startsWith("NSpid:") && l.matches("NSpid:\\s+\\d+\\s+1"));
    } catch (IOException e) {
      return false; // gone already
    }
  }

  /** The network namespace the machine runs in (also the lab node's). */
  String netns() {
    return name;
  }

  /** A path inside the machine, seen from the host. */
  Path path(String absolute) {
    return rootfs.resolve(absolute.substring(1));
  }

  /** Runs {@code argv} inside the machine (all its namespaces, a clean environment). */
  Cmd.Result exec(String... argv) {
    return Cmd.run(Duration.ofSeconds(120), inside(argv));
  }

  /** Runs {@code script} with {@code sh -ec} inside the machine and requires exit 0. */
  Cmd.Result sh(String script) {
    return exec("sh", "-ec", script).ok();
  }

  private List<String> inside(String... argv) {
    List<String> all = new ArrayList<>();
    all.addAll(
        List.of(
            "nsenter",
            "-t",
            Long.toString(pid1),
            "-a",
            "env",
            "-i",
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG=C.UTF-8",
            "DEBIAN_FRONTEND=noninteractive"));
    all.addAll(List.of(argv));
    return all;
  }

  @Override
  public void close() {
    if (nspawn != null && nspawn.isAlive()) {
      nspawn.destroy(); // SIGTERM: nspawn asks systemd to power off
      try {
        if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
          nspawn.descendants().forEach(ProcessHandle::destroyForcibly);
          nspawn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Cmd.run("ip", "netns", "del", name);
    removeRootfs();
  }

  private void removeRootfs() {
    if (!Files.exists(rootfs)) {
      return;
    }
    try {
      // Never recurse into a mount that outlived the machine (a bind mount of the host's /dev...).
      String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
      if (mounts.contains(" " + rootfs + "/") || mounts.contains(" " + rootfs + " ")) {
        System.out.println("DebianSystem: " + rootfs + " still has mounts; left in place");
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Cmd.run("rm", "-rf", "--one-file-system", rootfs.toString());
  }

  static long seconds(long t0) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
