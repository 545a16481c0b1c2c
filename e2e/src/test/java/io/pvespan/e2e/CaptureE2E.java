package io.pvespan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.lab.Exec;
import io.pvespan.lab.JarProcess;
import io.pvespan.lab.LifecycleRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ./pvespan capture --vm} of a guest that live-migrates (Proxmox's order and timing, {@link
 * io.pvespan.lab.LabLifecycle#liveMigrate}) while it sends a numbered UDP stream, the controller at
 * its default 10 s poll: the pcap tshark reads holds every number the receiver got, each once.
 */
class CaptureE2E {
  static final String TSHARK = "/usr/bin/tshark";
  static final String PYTHON = "/usr/bin/python3";
  static final int PORT = 5300;
  static final int COUNT = 4000; // one every 2 ms: 8 s, the migration in the middle

  /** Sends COUNT datagrams, each its number (4 bytes, big-endian) and 60 bytes of padding. */
  static final String SENDER =
      "import socket,struct,sys,time\n"
          + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
          + "sent=0\n"
          + "t=time.monotonic()\n"
          + "for i in range(int(sys.argv[3])):\n"
          + "  try:\n"
          + "    s.sendto(struct.pack('!I',i)+b'p'*60,(sys.argv[1],int(sys.argv[2]))); sent+=1\n"
          + "  except OSError: pass\n"
          + "  t+=0.002\n"
          + "  time.sleep(max(0,t-time.monotonic()))\n"
          + "print(sent)\n";

  /** Writes the numbers it receives, one a line, after 3 s of silence (at most 40 s). */
  static final String RECEIVER =
      "import socket,struct,sys,time\n"
          + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
          + "s.bind((sys.argv[1],int(sys.argv[2])))\n"
          + "s.settimeout(3)\n"
          + "got=[]\n"
          + "end=time.monotonic()+40\n"
          + "first=True\n"
          + "while time.monotonic()<end:\n"
          + "  try:\n"
          + "    d,_=s.recvfrom(2048); got.append(struct.unpack('!I',d[:4])[0]); first=False\n"
          + "  except socket.timeout:\n"
          + "    if not first: break\n"
          + "open(sys.argv[3],'w').write(''.join('%d\\n'%g for g in got))\n";

  private LabSystem s;

  @AfterEach
  void down() throws Exception {
    if (s != null) {
      s.close();
    }
  }

  @Test
  void aCaptureOfAVmFollowsItsLiveMigrationWithoutAGapAndTsharkReadsIt() throws Exception {
    assertThat(Files.isExecutable(Path.of(TSHARK))).as(TSHARK + " (see .ci/run)").isTrue();
    s = new LabSystem(LabSystem.Setup.controllerDefaults());
    E2EAsserts.converged(s);
    Path pcap = s.work.resolve("capture.pcap");
    Path cliLog = s.work.resolve("capture.log");
    Path received = s.work.resolve("received.txt");
    // local-web mirrors 101 (pve1) to the sensor; 102 (pve1) receives the stream.
    List<String> args =
        List.of(
            "capture",
            "--controller",
            s.cluster.controllerUrl(),
            "--session",
            "local-web",
            "--vm",
            "101",
            "--filter",
            "udp port " + PORT,
            "--duration",
            "16s");
    // Run where the controller runs (its namespace): it serves captures to its own host only.
    List<String> argv =
        new ArrayList<>(List.of(Exec.IP, "netns", "exec", s.lab.topology().controllerNs()));
    argv.addAll(JarProcess.argv(s.cluster.options().controllerJar(), args));
    Process cli =
        new ProcessBuilder(argv)
            .redirectOutput(pcap.toFile())
            .redirectError(cliLog.toFile())
            .start();
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Files.readString(cliLog).contains("capturing") && System.nanoTime() < until) {
      assertThat(cli.isAlive()).as("capture: %s", Files.readString(cliLog)).isTrue();
      Thread.sleep(100);
    }
    System.out.println("[e2e] " + Files.readString(cliLog).strip());
    Thread.sleep(1500); // the agents' tcpdump on the device that exists

    String to = s.lab.address(102, 0);
    Process receiver =
        s.lab.startIn(
            s.lab.topology().vmNs(102),
            List.of(PYTHON, "-c", RECEIVER, to, String.valueOf(PORT), received.toString()),
            s.work.resolve("receiver.log"));
    Thread.sleep(500);
    Process sender =
        s.lab.startIn(
            s.lab.topology().vmNs(101),
            List.of(PYTHON, "-c", SENDER, to, String.valueOf(PORT), String.valueOf(COUNT)),
            s.work.resolve("sender.log"));
    Thread.sleep(2000);
    LifecycleRun run = s.lifecycle.liveMigrate(101, "pve2", Duration.ofSeconds(2), phase -> {});
    System.out.println("[e2e] " + run.operation());
    run.timeline().forEach(l -> System.out.println("[e2e]   " + l));
    assertThat(run.failures()).as(run.operation()).isEmpty();
    assertThat(sender.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(receiver.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(cli.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(cliLog);
    System.out.println("[e2e] capture: " + log.strip().replace("\n", " | "));
    assertThat(cli.exitValue()).as("capture exit: %s", log).isZero();

    Set<Integer> got = new TreeSet<>();
    for (String l : Files.readAllLines(received)) {
      if (!l.isBlank()) {
        got.add(Integer.parseInt(l.strip()));
      }
    }
    List<Integer> captured = captured(pcap);
    Map<Integer, Integer> times = new HashMap<>();
    captured.forEach(n -> times.merge(n, 1, Integer::sum));
    List<Integer> missing = new ArrayList<>();
    for (int n : got) {
      if (!times.containsKey(n)) {
        missing.add(n);
      }
    }
    List<Integer> twice =
        times.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    System.out.printf(
        "[e2e] sent %d, received %d, captured %d (%d distinct), missing %s, twice %s%n",
        COUNT, got.size(), captured.size(), times.size(), head(missing), head(twice));
    assertThat(got.size()).as("the receiver got most of the stream").isGreaterThan(COUNT * 9 / 10);
    assertThat(missing).as("numbers the receiver got that the capture lacks").isEmpty();
    assertThat(twice).as("numbers captured more than once").isEmpty();
  }

  /** The sequence numbers in the pcap, in order, as tshark reads them. */
  static List<Integer> captured(Path pcap) {
    String out =
        Exec.run(
            Duration.ofSeconds(60),
            List.of(
                TSHARK,
                "-r",
                pcap.toString(),
                "-n",
                "-d",
                "udp.port==" + PORT + ",data",
                "-Y",
                "udp.dstport==" + PORT,
                "-T",
                "fields",
                "-e",
                "data.data"));
    List<Integer> seqs = new ArrayList<>();
    for (String l : out.split("\n")) {
      String hex = l.strip().replace(":", "");
      if (hex.length() >= 8) {
        seqs.add(Integer.parseUnsignedInt(hex.substring(0, 8), 16));
      }
    }
    return seqs;
  }

  /** Numbers as ranges: [3, 4, 5, 9] as "3-5 9". */
  private static String head(List<Integer> l) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < l.size(); i++) {
      int start = l.get(i);
      while (i + 1 < l.size() && l.get(i + 1) == l.get(i) + 1) {
        i++;
      }
      b.append(b.length() == 0 ? "" : " ").append(start);
      if (l.get(i) != start) {
        b.append('-').append(l.get(i));
      }
    }
    return "[" + b + "]";
  }
}
