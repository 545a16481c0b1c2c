package io.pvespan.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.model.Direction;
import io.pvespan.model.InterfaceName;
import io.pvespan.model.NicId;
import io.pvespan.model.VmId;
import io.pvespan.plan.EntryState;
import io.pvespan.plan.LocalTarget;
import io.pvespan.plan.MirrorEntry;
import io.pvespan.plan.NodeMirrorPlan;
import io.pvespan.plan.PlanJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian packages on a clean Debian with systemd as PID 1 (see {@link DebianSystem}), in the
 * order an admin meets them: install the agent and enable its unit as the example config says
 * (token, TLS), push a plan, count the bytes at the sensor; upgrade while the VM sends (no byte
 * lost, the rules adopted, not re-created); the controller's package, user and unit; both units
 * through {@code systemd-analyze verify} and {@code security}; remove, then purge. The steps share
 * one machine (booting is the expensive part), so they run in order and each needs the last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackagesIT {
  private static final String AGENT = "pvespan-agent.service";
  private static final String CONTROLLER = "pvespan-controller.service";
  private static final int PAYLOAD = 1000;
  // Exposure scores of `systemd-analyze security` (0 best, 10 worst) these units must not exceed.
  // 3.2 since CAP_SETUID and CAP_SETGID (Debian's tcpdump changes to its own user; see the unit).
  private static final double AGENT_MAX_EXPOSURE = 3.2;
  private static final double CONTROLLER_MAX_EXPOSURE = 1.5;

  private final Path debDir = Path.of(System.getProperty("pvespan.debDir", "target"));
  private final String name = "pvdeb" + HexFormat.of().toHexDigits(randomShort());
  private final long start = System.nanoTime();
  private DebianSystem machine;
  private LabNode lab;
  private AgentClient agent;

  private static short randomShort() {
    return (short) ThreadLocalRandom.current().nextInt();
  }

  @BeforeAll
  void boot() throws IOException {
    Files.createDirectories(debDir);
    machine = DebianSystem.boot(name, debDir.resolve(name + "-console.log"));
    for (String pkg : List.of("pvespan-agent", "pvespan-controller")) {
      Files.copy(deb(pkg), machine.path("/root/" + pkg + ".deb"));
    }
    lab = LabNode.create(machine.netns());
  }

  @AfterAll
  void cleanUp() {
    try {
      if (machine != null) {
        System.out.println(machine.exec("journalctl", "--no-pager", "-n", "60", "-u", AGENT).out());
      }
    } finally {
      try {
        if (lab != null) {
          lab.close();
        }
      } finally {
        if (machine != null) {
          machine.close();
        }
        System.out.printf("DebPackagesIT: %d s in all%n", DebianSystem.seconds(start));
      }
    }
  }

  /** The newest {@code PKG_*_all.deb} this build made (repeated builds leave older ones). */
  private Path deb(String pkg) throws IOException {
    try (var files = Files.list(debDir)) {
      Path deb =
          files
              .filter(p -> p.getFileName().toString().matches(pkg + "_.*_all\\.deb"))
              .max(Comparator.comparing(DebPackagesIT::modified))
              .orElseThrow(() -> new AssertionError("no " + pkg + "_*_all.deb in " + debDir));
      System.out.println("DebPackagesIT: " + deb.getFileName());
      return deb;
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(1)
  void theAgentPackageInstalledAndEnabledMirrorsToTheSensor() throws InterruptedException {
    String installed =
        machine.sh("apt-get install -y --no-install-recommends /root/pvespan-agent.deb").out();
    assertThat(installed).contains("Setting up pvespan-agent");
    assertThat(machine.exec("systemctl", "is-enabled", AGENT).out().strip())
        .as("a fresh install enables nothing: the agent needs its node name and token first")
        .isEqualTo("disabled");
    // The steps of agent.env's comments, with openssl instead of ./pvespan certs (the controller
    // package is not installed yet): a CA, this node's certificate and the controller's (the
    // subjects ./pvespan certs writes), PKCS#8 keys mode 0600, a 0600 token.
    machine.sh(
        "install -m 600 /dev/null /etc/pvespan/agent-token\n"
            + "openssl rand -hex 32 > /etc/pvespan/agent-token\n"
            + "install -d -m 700 /etc/pvespan/tls\n"
            + "cd /etc/pvespan/tls\n"
            + "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
            + " -subj '/OU=pvespan-ca/CN=pvespan CA' -keyout ca.key -out ca.crt 2>/dev/null\n"
            + "printf 'subjectAltName=DNS:pve1,IP:127.0.0.1\\n' > agent.ext\n"
            + "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
            + " -subj /OU=pvespan-agent/CN=pve1 -keyout agent.key -out agent.csr 2>/dev/null\n"
            + "openssl x509 -req -in agent.csr -days 2 -CA ca.crt -CAkey ca.key -CAcreateserial"
            + " -extfile agent.ext -out agent.crt 2>/dev/null\n"
            + "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
            + " -subj /OU=pvespan-controller/CN=pvespan-controller -keyout controller.key"
            + " -out controller.csr 2>/dev/null\n"
            + "openssl x509 -req -in controller.csr -days 2 -CA ca.crt -CAkey ca.key"
            + " -CAcreateserial -out controller.crt 2>/dev/null\n"
            + "chmod 600 ca.key agent.key controller.key\n"
            + "rm -f agent.csr controller.csr agent.ext ca.srl\n"
            + "sed -i 's/^PVESPAN_LISTEN=.*/PVESPAN_LISTEN=127.0.0.1:8787/' /etc/pvespan/agent.env\n"
            + "systemctl enable --now "
            + AGENT);
    agent =
        new AgentClient(
            machine.netns(),
            "https://127.0.0.1:8787",
            machine.path("/etc/pvespan/tls/ca.crt"),
            read(machine.path("/etc/pvespan/agent-token")).strip(),
            machine.path("/etc/pvespan/tls/controller.crt"),
            machine.path("/etc/pvespan/tls/controller.key"));
    await("the agent answers /healthz", Duration.ofSeconds(40), () -> agent.get("/healthz")).ok();
    assertThat(machine.sh("tr '\\0' ' ' < /proc/" + mainPid(AGENT) + "/cmdline").out())
        .as("agent.env's PVESPAN_TLS_CA turns mutual TLS on")
        .contains("--tls-ca /etc/pvespan/tls/ca.crt");

    JsonNode status = agent.getJson("/v1/status");
    assertThat(status.path("capabilities").path("mirred").asBoolean())
        .as("the kernel probe works under the unit's hardening: %s", status)
        .isTrue();
    assertThat(condition(status, "Ready").path("reason").asText()).isNotEqualTo("KernelUnusable");

    long before = lab.sensorRxBytes();
    lab.sendUdp(200, PAYLOAD);
    assertThat(lab.sensorRxBytes() - before)
        .as("nothing reaches the sensor before the plan")
        .isLessThan(200L * PAYLOAD / 10);

    String answer = agent.put("/v1/plan", PlanJson.write(plan(1)));
    assertThat(answer).contains("\"changed\":true");
    awaitConverged(1);

    before = lab.sensorRxBytes();
    lab.sendUdp(300, PAYLOAD);
    long mirrored = lab.sensorRxBytes() - before;
    System.out.printf("DebPackagesIT: 300 x %d B sent, %d B at the sensor%n", PAYLOAD, mirrored);
    assertThat(mirrored).isGreaterThanOrEqualTo(300L * PAYLOAD);

    // Canaries (every 10 s by default) work under the unit's sandbox: the packet socket opens
    // (CAP_NET_RAW, AF_PACKET, JNA's native library unpacked in the private /tmp) and the send
    // into the sensor's device succeeds.
    JsonNode sent = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      sent = agent.getJson("/v1/status").path("canaries").path("sent");
      if (sent.size() > 0) {
        break;
      }
      Thread.sleep(500);
    }
    System.out.println("DebPackagesIT: canaries sent: " + sent);
    assertThat(sent).as("canaries sent by the packaged agent").isNotEmpty();
    for (JsonNode one : sent) {
      assertThat(one.path("error").isMissingNode()).as("a canary send failed: %s", one).isTrue();
    }
    // ... and the tcpdump listener on the sensor's tap can run under the unit (the package depends
    // on tcpdump; Debian's tcpdump changes to user tcpdump once the device is open, which needs
    // CAP_SETUID and CAP_SETGID: without them it exits at once).
    JsonNode canaries = null;
    deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      canaries = agent.getJson("/v1/status").path("canaries");
      if (canaries.path("received").size() > 0) {
        break;
      }
      Thread.sleep(500);
    }
    // The canaries are counted at the sensor's tap under the unit. This failed until the agent
    // looked devices up in its own namespace (/proc/thread-self/net/dev): the booted Debian's /sys
    // lists the host's devices, so the listener was never started.
    System.out.println("DebPackagesIT: canaries: " + canaries);
    assertThat(canaries.path("countError").isMissingNode())
        .as("tcpdump is there to count canaries: %s", canaries)
        .isTrue();
    assertThat(canaries.path("received"))
        .as("canaries counted at the sensor's tap under the unit: %s", canaries)
        .anySatisfy(r -> assertThat(r.path("session").asText()).isEqualTo("dmz"));
  }

  @Test
  @Order(2)
  void anUpgradeRestartsTheAgentWithoutAMirroringGap() throws Exception {
    String pid = mainPid(AGENT);
    String rules = ownRules();
    long before = lab.sensorRxBytes();
    int count = 600;
    Process sender =
        new ProcessBuilder(lab.udpSender(count, PAYLOAD, "0.02"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      DebianSystem.sleep(2000);
      // Same version again: dpkg runs prerm upgrade, unpacks, postinst configure <old version>.
      String upgraded = machine.sh("dpkg -i /root/pvespan-agent.deb").out();
      assertThat(upgraded).contains("Setting up pvespan-agent");
      assertThat(sender.waitFor(120, TimeUnit.SECONDS)).as("the sender finished").isTrue();
    } finally {
      sender.destroyForcibly();
    }
    assertThat(sender.exitValue()).isZero();
    assertThat(mainPid(AGENT)).as("the new jar runs: the agent was restarted").isNotEqualTo(pid);
    await("the agent answers again", Duration.ofSeconds(40), () -> agent.get("/healthz")).ok();
    awaitConverged(1);
    long mirrored = lab.sensorRxBytes() - before;
    System.out.printf(
        "DebPackagesIT: across the upgrade %d x %d B sent, %d B at the sensor%n",
        count, PAYLOAD, mirrored);
    assertThat(mirrored)
        .as("every byte sent during the upgrade")
        .isGreaterThanOrEqualTo((long) count * PAYLOAD);
    assertThat(ownRules()).as("the rules were adopted, not re-created").isEqualTo(rules);
  }

  @Test
  @Order(3)
  void theControllerPackageCreatesItsUserAndItsUnitRunsAsIt() throws IOException {
    String installed =
        machine.sh("apt-get install -y --no-install-recommends /root/pvespan-controller.deb").out();
    assertThat(installed).contains("Setting up pvespan-controller");
    assertThat(machine.sh("getent passwd pvespan").out()).contains(":/var/lib/pvespan:");
    assertThat(machine.sh("stat -c '%U:%G %a' /etc/pvespan/controller.yaml").out().strip())
        .isEqualTo("root:pvespan 640");
    assertThat(machine.sh("pvespan --version").out()).containsIgnoringCase("pvespan");

    // A controller of a saved inventory, with no specs and the agents out of reach: it must run
    // under its unit (user pvespan, no capabilities) and serve its API.
    Files.copy(
        Path.of(System.getProperty("pvespan.inventory")),
        machine.path("/etc/pvespan/inventory.json"));
    Files.writeString(
        machine.path("/etc/pvespan/controller.yaml"),
        String.join(
            "\n",
            "pve:",
            "  inventoryFile: /etc/pvespan/inventory.json",
            "specs:",
            "  path: /etc/pvespan/specs",
            "listen: 127.0.0.1:8780",
            "agents:",
            "  tokenFile: /etc/pvespan/controller-agent-token",
            "  caFile: /etc/pvespan/agent-ca.pem",
            "  urls:",
            "    pve1: https://127.0.0.1:9/",
            ""));
    machine.sh(
        "install -m 600 -o pvespan -g pvespan /etc/pvespan/agent-token"
            + " /etc/pvespan/controller-agent-token\n"
            + "install -m 644 /etc/pvespan/tls/ca.crt /etc/pvespan/agent-ca.pem\n"
            + "systemctl start "
            + CONTROLLER);
    Cmd.Result health =
        await(
            "the controller answers /healthz",
            Duration.ofSeconds(60),
            () ->
                Cmd.run(
                    "ip",
                    "netns",
                    "exec",
                    machine.netns(),
                    "curl",
                    "-sS",
                    "--fail",
                    "--max-time",
                    "5",
                    "http://127.0.0.1:8780/healthz"));
    assertThat(health.exit()).as(journal(CONTROLLER)).isZero();
    assertThat(machine.sh("stat -c %U /proc/" + mainPid(CONTROLLER)).out().strip())
        .isEqualTo("pvespan");
    assertThat(machine.exec("systemctl", "is-active", CONTROLLER).out().strip())
        .isEqualTo("active");
  }

  @Test
  @Order(4)
  void bothUnitsVerifyAndStayWithinTheirExposureScores() {
    Cmd.Result verify = machine.exec("systemd-analyze", "verify", AGENT, CONTROLLER);
    assertThat(verify.exit()).as(verify.describe()).isZero();
    assertThat(verify.out() + verify.err()).as("no warning").isBlank();
    assertThat(exposure(AGENT)).isLessThanOrEqualTo(AGENT_MAX_EXPOSURE);
    assertThat(exposure(CONTROLLER)).isLessThanOrEqualTo(CONTROLLER_MAX_EXPOSURE);
  }

  @Test
  @Order(5)
  void removeLeavesOnlyTheConfigAndPurgeRemovesIt() {
    String rules = ownRules();
    machine.sh("dpkg -r pvespan-agent");
    assertThat(machine.sh("dpkg-query -W -f '${db:Status-Abbrev}' pvespan-agent").out().strip())
        .isEqualTo("rc");
    for (String gone :
        List.of(
            "/usr/share/pvespan/pvespan-agent.jar",
            "/usr/sbin/pvespan-agent",
            "/lib/systemd/system/" + AGENT)) {
      assertThat(machine.path(gone)).as(gone).doesNotExist();
    }
    assertThat(machine.path("/etc/pvespan/agent.env")).exists();
    assertThat(machine.exec("systemctl", "is-active", AGENT).out().strip()).isNotEqualTo("active");
    assertThat(ownRules()).as("stopping never flushes the mirrors").isEqualTo(rules);

    machine.sh("dpkg -P pvespan-agent");
    assertThat(machine.path("/etc/pvespan/agent.env")).doesNotExist();
    assertThat(machine.path("/var/lib/pvespan/agent")).doesNotExist();
    assertThat(machine.exec("dpkg-query", "-W", "pvespan-agent").exit()).isNotZero();
  }

  private static NodeMirrorPlan plan(long generation) {
    MirrorEntry entry =
        new MirrorEntry(
            "dmz",
            VmId.of(101),
            new NicId(0),
            InterfaceName.of("tap101i0"),
            Direction.BOTH,
            EntryState.ACTIVE,
            new LocalTarget(InterfaceName.of("tap900i0")),
            null);
    return NodeMirrorPlan.of("pve1", generation, List.of(entry), List.of(), List.of());
  }

  private void awaitConverged(long generation) {
    JsonNode status =
        await(
            "the agent converged generation " + generation,
            Duration.ofSeconds(40),
            () -> agent.getJson("/v1/status"),
            s ->
                s.path("appliedGeneration").asLong() == generation
                    && condition(s, "Converged").path("status").asText().equals("True"));
    assertThat(condition(status, "Converged").path("status").asText())
        .as("%s", status)
        .isEqualTo("True");
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return status.path("missing");
  }

  /**
   * The tap's qdiscs and filters as tc prints them, handles and action cookies included, the one
   * counter dropped: equal means adopted, not re-created.
   */
  private String ownRules() {
    String ns = machine.netns();
    String rules =
        Cmd.ok("tc", "-n", ns, "qdisc", "show", "dev", "tap101i0").out()
            + Cmd.ok("tc", "-n", ns, "filter", "show", "dev", "tap101i0", "ingress").out()
            + Cmd.ok("tc", "-n", ns, "filter", "show", "dev", "tap101i0", "egress").out();
    assertThat(rules).contains("mirred (Egress Mirror to device tap900i0)");
    return rules.replaceAll("direct_packets_stat \\d+", "");
  }

  private String mainPid(String unit) {
    return machine.exec("systemctl", "show", "-p", "MainPID", "--value", unit).ok().out().strip();
  }

  private String journal(String unit) {
    return machine.exec("journalctl", "--no-pager", "-n", "40", "-u", unit).out();
  }

  private double exposure(String unit) {
    Cmd.Result r = machine.exec("systemd-analyze", "security", "--no-pager", unit);
    Matcher m = Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)").matcher(r.out());
    assertThat(m.find()).as(r.describe()).isTrue();
    System.out.printf("DebPackagesIT: systemd-analyze security %s: %s%n", unit, m.group(1));
    return Double.parseDouble(m.group(1));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Cmd.Result await(
      String what, Duration timeout, java.util.function.Supplier<Cmd.Result> probe) {
    return await(what, timeout, probe, r -> r.exit() == 0);
  }

  private static <T> T await(
      String what, Duration timeout, java.util.function.Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = probe.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      DebianSystem.sleep(500);
      last = probe.get();
    }
    if (!done.test(last)) {
      System.out.println("DebPackagesIT: not yet after " + timeout + ": " + what + ": " + last);
    }
    return last;
  }
}
