package io.pvespan.agent.kernel;

import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts {@code tcpdump} reading one guest device and writing pcap to its stdout, unbuffered: the
 * agent's live capture. It only opens an {@code AF_PACKET} socket on the device: no qdisc, filter
 * or device is created, the device's promiscuous flag is left alone ({@code -p}), and the sensor's
 * mirror filters see every frame as before. Argument list only, absolute paths, validated values
 * ({@link InterfaceName}, {@link PcapFilter} after {@code --}); in a lab namespace through {@code
 * ip netns exec}.
 */
public final class Tcpdump {
  /** Debian and Proxmox install it in /usr/bin; some distributions in /usr/sbin. */
  private static final List<String> CANDIDATES = List.of("/usr/bin/tcpdump", "/usr/sbin/tcpdump");

  /**
   * The kernel ring, KiB, and the snap length. {@code --immediate-mode} hands each frame over at
   * once in a ring of fixed slots; without it frames wait in blocks for up to tcpdump's 1 s
   * timeout, and the open block is lost when the device disappears (measured: the source tap's last
   * second before a live migration's end). On a device with offloads on (a guest's tap; GSO frames
   * up to 64 KiB) libpcap sizes each slot by the snap length: with tcpdump's 256 KiB and libpcap's
   * 2 MiB ring that was 8 slots, and a busy moment (a migration on two cores) dropped hundreds of
   * frames. 64 KiB snap length and a 16 MiB ring: 256 slots at worst, thousands for MTU-sized
   * slots.
   */
  static final int BUFFER_KIB = 16384;

  static final int SNAP_LENGTH = 65535;

  private final NetnsName netns;
  private final String binary;

  /** {@code netns} null: the agent's own namespace. */
  public Tcpdump(NetnsName netns) {
    this.netns = netns;
    this.binary =
        CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
  }

  /** Whether a tcpdump binary was found; without it every capture ends at once with a reason. */
  public boolean available() {
    return binary != null;
  }

  /**
   * False when {@code device} certainly does not exist in the agent's own network namespace (in a
   * lab namespace reached through {@code ip netns exec}, always true), so a capture waiting for a
   * device that lives on another node spawns no process while it waits. Looked up in {@link
   * #NET_DEV}, the namespace of the calling thread, and not in {@code /sys/class/net}: a sysfs
   * shows the devices of the namespace it was mounted in, which need not be ours (measured: a
   * Debian booted by systemd-nspawn into a network namespace lists the host's devices there, so the
   * packaged agent never started a canary listener on the sensor's tap).
   */
  public boolean mayExist(InterfaceName device) {
    return netns != null || NetDevices.names(NET_DEV).contains(device.value());
  }

  /** The devices of the reading thread's network namespace (one line each after two headings). */
  static final Path NET_DEV = Path.of("/proc/thread-self/net/dev");

  /**
   * The argument list for a capture of {@code device}; {@code direction} is the VM's view: what the
   * VM sends enters the device ({@code -Q in}), what it receives leaves it ({@code -Q out}).
   */
  public List<String> argv(InterfaceName device, Direction direction, Optional<PcapFilter> filter) {
    List<String> argv = new ArrayList<>();
    if (netns != null) {
      argv.addAll(List.of(Tool.IP.path(), "netns", "exec", netns.value()));
    }
    argv.add(binary == null ? CANDIDATES.get(0) : binary);
    argv.addAll(List.of("-i", device.value(), "-p", "-n", "-U", "--immediate-mode"));
    argv.addAll(List.of("-B", String.valueOf(BUFFER_KIB), "-s", String.valueOf(SNAP_LENGTH)));
    argv.addAll(List.of("-w", "-", "-Q", queue(direction)));
    if (filter.isPresent()) {
      argv.add("--");
      argv.add(filter.get().value());
    }
    return argv;
  }

  /**
   * Starts the capture; its stdout is the pcap stream, its stderr tcpdump's messages (the caller
   * drains both). The caller destroys the process when the capture ends.
   */
  public Process start(InterfaceName device, Direction direction, Optional<PcapFilter> filter)
      throws IOException {
    if (binary == null) {
      throw new IOException("tcpdump is not installed (looked for " + CANDIDATES + ")");
    }
    return new ProcessBuilder(argv(device, direction, filter)).start();
  }

  /**
   * The argument list for the canary listener on a sensor device: only frames of ethertype {@code
   * 0x88b5} the device transmits toward the sensor guest ({@code -Q out}), first 512 bytes (a
   * canary is shorter), in a 256 KiB ring (a canary per session and source node per interval).
   */
  public List<String> canaryArgv(InterfaceName device) {
    List<String> argv = new ArrayList<>();
    if (netns != null) {
      argv.addAll(List.of(Tool.IP.path(), "netns", "exec", netns.value()));
    }
    argv.add(binary == null ? CANDIDATES.get(0) : binary);
    argv.addAll(List.of("-i", device.value(), "-p", "-n", "-U", "--immediate-mode"));
    argv.addAll(List.of("-B", "256", "-s", "512", "-w", "-", "-Q", "out"));
    argv.addAll(List.of("--", "ether proto 0x88b5"));
    return argv;
  }

  /** Starts the canary listener ({@link #canaryArgv}); its stdout is pcap, stdin closed. */
  public Process startCanaryListener(InterfaceName device) throws IOException {
    if (binary == null) {
      throw new IOException("tcpdump is not installed (looked for " + CANDIDATES + ")");
    }
    Process p = new ProcessBuilder(canaryArgv(device)).start();
    p.getOutputStream().close();
    return p;
  }

  private static String queue(Direction direction) {
    return switch (direction) {
      case BOTH -> "inout";
      case EGRESS -> "in";
      case INGRESS -> "out";
    };
  }
}
