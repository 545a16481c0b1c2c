package io.pvespan.lab;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The real pvespan running in a {@link Lab}: the Proxmox API stand-in and the controller in the
 * controller namespace, one agent per node inside that node's namespace (listening on its underlay
 * address). Everything is a separate JVM started from the built jars, as on a real cluster. The lab
 * owns the processes: closing the lab kills them. The controller and the agents talk mutual TLS
 * with certificates from {@code ./pvespan certs} ({@link LabPki}), as in production.
 *
 * <p>Files (the Proxmox token and header file, the CA and certificates under {@code pki/}, the
 * stand-in's inventory, the controller config, the agents' state dirs, one log per process) live
 * under {@link Options#workDir}.
 */
public final class LabCluster {
  public static final int STANDIN_PORT = 8006;
  public static final int CONTROLLER_PORT = 8780;
  public static final int AGENT_PORT = 8700;
  private static final Duration STARTUP = Duration.ofSeconds(60);

  /**
   * Where the jars (the controller's, the agent's, and the lab's own for the stand-in) and the
   * specs are, where files go, and how often the controller polls ({@code pollInterval} null: the
   * controller's defaults for polling and status, as a real installation runs it). {@code specsGit}
   * null: the controller reads {@code specsDir}; otherwise it pulls its specs from that Git
   * repository ({@code specs.git}), and {@code specsDir} is only the plan's ({@link #plan}). {@code
   * canaryInterval} null: the agents send no canaries ({@code --canary-interval 0}), so that the
   * sensors' byte and frame ledgers hold only mirrored traffic; else their interval.
   */
  public record Options(
      Path controllerJar,
      Path agentJar,
      Path labJar,
      Path workDir,
      Path specsDir,
      Duration pollInterval,
      GitSpecs specsGit,
      Ha ha,
      Duration canaryInterval) {
    /** Without canaries. */
    public Options(
        Path controllerJar,
        Path agentJar,
        Path labJar,
        Path workDir,
        Path specsDir,
        Duration pollInterval,
        GitSpecs specsGit,
        Ha ha) {
      this(controllerJar, agentJar, labJar, workDir, specsDir, pollInterval, specsGit, ha, null);
    }

    /** The same, with the agents sending canaries every {@code interval}. */
    public Options withCanaryInterval(Duration interval) {
      return new Options(
          controllerJar, agentJar, labJar, workDir, specsDir, pollInterval, specsGit, ha, interval);
    }

    /** Specs from {@code specsDir} or Git, one controller without a database. */
    public Options(
        Path controllerJar,
        Path agentJar,
        Path labJar,
        Path workDir,
        Path specsDir,
        Duration pollInterval,
        GitSpecs specsGit) {
      this(controllerJar, agentJar, labJar, workDir, specsDir, pollInterval, specsGit, null);
    }

    /** Specs from {@code specsDir}, as before {@code specs.git}. */
    public Options(
        Path controllerJar,
        Path agentJar,
        Path labJar,
        Path workDir,
        Path specsDir,
        Duration pollInterval) {
      this(controllerJar, agentJar, labJar, workDir, specsDir, pollInterval, null);
    }

    /** The same, with the controller pulling its specs from {@code git}. */
    public Options withSpecsGit(GitSpecs git) {
      return new Options(
          controllerJar,
          agentJar,
          labJar,
          workDir,
          specsDir,
          pollInterval,
          git,
          ha,
          canaryInterval);
    }

    /** The same, with the controllers sharing a PostgreSQL database ({@code ha:}). */
    public Options withHa(Ha ha) {
      return new Options(
          controllerJar,
          agentJar,
          labJar,
          workDir,
          specsDir,
          pollInterval,
          specsGit,
          ha,
          canaryInterval);
    }

    /** The jars the launcher builds under {@code home} ({@code -Dpvespan.home}). */
    public static Options fromHome(Path home, Path workDir, Path specsDir, Duration poll) {
      return new Options(
          home.resolve("controller/target/pvespan-controller.jar"),
          home.resolve("node-agent/target/pvespan-agent.jar"),
          home.resolve("lab/target/pvespan-lab.jar"),
          workDir,
          specsDir,
          poll);
    }
  }

  /** {@code specs.git}: the repository URL (or path), the branch and the poll interval. */
  public record GitSpecs(String url, String branch, Duration pollInterval) {}

  /**
   * {@code ha:}: the database every lab controller shares, its user and password (written to a
   * mode-600 file), and the cluster check-in interval. Each controller's instance id is the default
   * (host name and pid).
   */
  public record Ha(String jdbcUrl, String user, String password, Duration checkIn) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final Lab lab;
  private final Options options;
  private final Consumer<String> progress;
  private final Path pveHeader;
  private final Path configFile;
  private Process controller;
  private final Map<String, Process> agents = new LinkedHashMap<>();
  private LabPki pki;

  private LabCluster(Lab lab, Options options, Consumer<String> progress) {
    this.lab = lab;
    this.options = options;
    this.progress = progress;
    this.pveHeader = options.workDir().resolve("pve-auth.header");
    this.configFile = options.workDir().resolve("controller.yaml");
  }

  /**
   * Starts the stand-in serving {@code inventory}, the agents and the controller, each waited for
   * until it answers. {@code progress} gets one line per step.
   */
  public static LabCluster start(
      Lab lab, Inventory inventory, Options options, Consumer<String> progress) {
    for (Path jar : List.of(options.controllerJar(), options.agentJar(), options.labJar())) {
      if (!Files.isRegularFile(jar)) {
        throw new LabException(jar + " is missing: build it (./pvespan builds on first use)");
      }
    }
    LabCluster c = new LabCluster(lab, options, progress);
    try {
      c.writeFiles(inventory);
    } catch (IOException e) {
      throw new LabException("cannot write lab files in " + options.workDir() + ": " + e, e);
    }
    c.issueCertificates();
    c.startStandIn();
    c.startAgents();
    c.writeConfig();
    c.startController();
    return c;
  }

  public Lab lab() {
    return lab;
  }

  public Options options() {
    return options;
  }

  /** The plans the controller computes for the specs and {@code inventory} (a dry run). */
  public LabPlan plan(Inventory inventory) {
    return LabPlan.of(options.controllerJar(), options.specsDir(), inventory);
  }

  public String standInUrl() {
    return "https://" + LabTopology.CONTROLLER_ADDRESS + ":" + STANDIN_PORT;
  }

  public String controllerUrl() {
    return "http://" + LabTopology.CONTROLLER_ADDRESS + ":" + CONTROLLER_PORT;
  }

  public String agentUrl(String node) {
    return "https://" + lab.topology().node(node).address() + ":" + AGENT_PORT;
  }

  /** Tells the stand-in a guest now runs on {@code node} (the end of a live migration). */
  public void moveGuest(int vmid, String node) {
    standInAdmin("move?vmid=" + vmid + "&node=" + node);
  }

  /**
   * Moves a guest's config to {@code node} in the stand-in; {@code keepLock}: with its lock, as a
   * live migration moves it before it unlocks.
   */
  public void moveGuest(int vmid, String node, boolean keepLock) {
    standInAdmin("move?vmid=" + vmid + "&node=" + node + (keepLock ? "&keepLock=1" : ""));
  }

  /** Sets ({@code migrate}, ...) or clears (null) a guest's config lock in the stand-in. */
  public void setLock(int vmid, String lock) {
    standInAdmin("lock?vmid=" + vmid + "&lock=" + (lock == null ? "" : lock));
  }

  /** Adds or replaces a NIC in the guest's config in the stand-in. */
  public void setNic(int vmid, io.pvespan.inventory.GuestNic nic) {
    StringBuilder q = new StringBuilder("nic?vmid=" + vmid + "&net=" + nic.id().key());
    q.append("&bridge=").append(nic.bridge()).append("&mac=").append(nic.mac());
    if (nic.firewall()) {
      q.append("&firewall=1");
    }
    if (nic.rate() != null) {
      q.append("&rate=").append(nic.rate());
    }
    if (nic.mtu() != null) {
      q.append("&mtu=").append(nic.mtu());
    }
    if (nic.tag() != null) {
      q.append("&tag=").append(nic.tag());
    }
    standInAdmin(q.toString());
  }

  /** Marks a node online or offline in the stand-in's {@code /cluster/status}. */
  public void setNodeOnline(String node, boolean online) {
    standInAdmin("node?node=" + node + "&online=" + (online ? 1 : 0));
  }

  /** Sets a guest's Proxmox tags in the stand-in (as in the GUI). */
  public void setTags(int vmid, List<String> tags) {
    standInAdmin("tags?vmid=" + vmid + "&tags=" + String.join(",", tags));
  }

  /** Sets a guest's status in the stand-in ({@code running}, {@code stopped}). */
  public void setStatus(int vmid, String status) {
    standInAdmin("status?vmid=" + vmid + "&status=" + status);
  }

  /** {@code GET path} on the controller's API, from the controller namespace. */
  public LabHttp.Response controllerGet(String path) {
    return LabHttp.get(lab.topology().controllerNs(), controllerUrl() + path, null);
  }

  /** {@code GET /v1/status} of the node's agent. */
  public LabHttp.Response agentStatus(String node) {
    return LabHttp.request(
        lab.topology().controllerNs(),
        "GET",
        agentUrl(node) + "/v1/status",
        null,
        null,
        Duration.ofSeconds(5),
        pki.controllerCurlArgs());
  }

  /**
   * The entries the agents report {@code failed}, as {@code node/session/interface} to the agent's
   * message (an agent that does not answer reports nothing).
   */
  public Map<String, String> failedEntries() {
    Map<String, String> failed = new java.util.TreeMap<>();
    for (LabNode node : lab.topology().nodes()) {
      LabHttp.Response r = agentStatus(node.name());
      if (!r.ok()) {
        continue;
      }
      try {
        for (var e : JSON.readTree(r.body()).path("entries")) {
          if ("failed".equals(e.path("state").asText())) {
            failed.put(
                node.name() + "/" + e.path("session").asText() + "/" + e.path("interface").asText(),
                e.path("message").asText());
          }
        }
      } catch (IOException e) {
        // Not JSON: nothing to report from this agent.
      }
    }
    return failed;
  }

  /** {@code ./pvespan status --controller URL}, run in the controller namespace: its output. */
  public String statusText() {
    Exec.Result r =
        Exec.attempt(
            Duration.ofSeconds(30),
            inNs(
                lab.topology().controllerNs(),
                java(options.controllerJar(), List.of("status", "--controller", controllerUrl()))));
    return (r.stdout() + r.stderr()).strip();
  }

  /** The API of a further controller of an {@code ha:} lab, listening on {@code port}. */
  public String controllerUrl(int port) {
    return "http://" + LabTopology.CONTROLLER_ADDRESS + ":" + port;
  }

  public LabHttp.Response controllerGet(int port, String path) {
    return LabHttp.get(lab.topology().controllerNs(), controllerUrl(port) + path, null);
  }

  /**
   * Starts a further controller with the same config but listening on {@code port} (with {@code
   * ha:}: a second member of the cluster), waits until it answers and returns its process (owned by
   * the lab, which kills it on close). Its log is {@code controller-NAME}.
   */
  public synchronized Process startFurtherController(String name, int port) {
    Path config = options.workDir().resolve("controller-" + name + ".yaml");
    try {
      String base = Files.readString(configFile);
      Files.writeString(
          config,
          base.replace(
              "listen: " + LabTopology.CONTROLLER_ADDRESS + ":" + CONTROLLER_PORT,
              "listen: " + LabTopology.CONTROLLER_ADDRESS + ":" + port));
    } catch (IOException e) {
      throw new LabException("cannot write " + config + ": " + e, e);
    }
    progress.accept("starting controller " + name + " in " + lab.topology().controllerNs());
    Process p =
        lab.startIn(
            lab.topology().controllerNs(),
            java(options.controllerJar(), List.of("controller", "--config", config.toString())),
            log("controller-" + name));
    awaitAnswer("controller-" + name, p, () -> controllerGet(port, "/healthz").ok());
    return p;
  }

  /** The main controller's process, null when killed. */
  public synchronized Process controllerProcess() {
    return controller;
  }

  /** Kills the controller (SIGKILL), as a crash would. */
  public synchronized void killController() {
    if (controller != null) {
      controller.destroyForcibly();
      try {
        controller.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      controller = null;
    }
  }

  /** Starts the controller (again) and waits until it answers. */
  public synchronized void startController() {
    progress.accept("starting the controller in " + lab.topology().controllerNs());
    controller =
        lab.startIn(
            lab.topology().controllerNs(),
            java(options.controllerJar(), List.of("controller", "--config", configFile.toString())),
            log("controller"));
    awaitAnswer("controller", controller, () -> controllerGet("/healthz").ok());
  }

  private void startStandIn() {
    progress.accept("starting the Proxmox API stand-in at " + standInUrl());
    Process p =
        lab.startIn(
            lab.topology().controllerNs(),
            java(
                options.labJar(),
                List.of(
                    "pve-standin",
                    "--inventory",
                    options.workDir().resolve("inventory.json").toString(),
                    "--listen",
                    LabTopology.CONTROLLER_ADDRESS + ":" + STANDIN_PORT,
                    "--token-file",
                    options.workDir().resolve("pve-token").toString(),
                    "--tls",
                    "--fingerprint-file",
                    fingerprintFile().toString())),
            log("pve-standin"));
    awaitAnswer(
        "pve-standin",
        p,
        () ->
            Files.isRegularFile(fingerprintFile())
                && LabHttp.get(
                        lab.topology().controllerNs(),
                        standInUrl() + "/api2/json/version",
                        pveHeader)
                    .ok());
  }

  /** The lab's CA and certificates (mutual TLS between the controller and the agents). */
  public LabPki pki() {
    return pki;
  }

  /** Kills the node's agent (SIGKILL), as a crash or a stopped unit would; its rules stay. */
  public synchronized void killAgent(String node) {
    Process p = agents.remove(node);
    if (p == null) {
      throw new LabException("no running agent for node " + node);
    }
    p.destroyForcibly();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A fresh CA, a certificate per node and the controller's: mutual TLS, as in production. */
  private void issueCertificates() {
    progress.accept("issuing the lab's certificates (./pvespan certs)");
    pki =
        LabPki.issue(
            options.controllerJar(), options.workDir().resolve("pki"), lab.topology().nodes());
  }

  private synchronized void startAgents() {
    for (LabNode node : lab.topology().nodes()) {
      progress.accept(
          "starting the agent of "
              + node.name()
              + " in "
              + lab.topology().nodeNs(node.name())
              + " ("
              + agentUrl(node.name())
              + ")");
      agents.put(
          node.name(),
          lab.startIn(
              lab.topology().nodeNs(node.name()),
              java(options.agentJar(), agentArgs(node)),
              log("agent-" + node.name())));
    }
    // Started together, waited for together: the JVMs start in parallel.
    agents.forEach(
        (node, p) ->
            awaitAnswer(
                "agent-" + node,
                p,
                () ->
                    LabHttp.get(lab.topology().controllerNs(), agentUrl(node) + "/healthz", null)
                        .ok()));
  }

  private List<String> agentArgs(LabNode node) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--node",
                node.name(),
                "--listen",
                node.address() + ":" + AGENT_PORT,
                "--state-dir",
                options.workDir().resolve("agent-" + node.name()).toString(),
                // Tunnels only between lab addresses: the benchmarking range.
                "--underlay",
                "198.18.0.0/15",
                "--canary-interval",
                options.canaryInterval() == null
                    ? "0"
                    : java.math.BigDecimal.valueOf(options.canaryInterval().toMillis(), 3)
                        .toPlainString()));
    // The certificate is the credential: no shared token.
    args.addAll(pki.agentArgs(node.name()));
    return args;
  }

  private void writeFiles(Inventory inventory) throws IOException {
    Path logs = options.workDir().resolve("logs");
    Files.createDirectories(logs);
    // A reused work dir (the demo's): this run's logs only.
    try (var old = Files.list(logs)) {
      for (Path f : old.toList()) {
        Files.deleteIfExists(f);
      }
    }
    for (LabNode node : lab.topology().nodes()) {
      // A fresh lab has fresh agents: a plan stored by an earlier run must not be adopted.
      Path state = options.workDir().resolve("agent-" + node.name());
      if (Files.isDirectory(state)) {
        try (var old = Files.walk(state)) {
          for (Path f : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
      Files.createDirectories(state);
    }
    String pveToken = "root@pam!pvespan=" + UUID.randomUUID();
    secret("pve-token", pveToken + "\n");
    secret("pve-auth.header", "Authorization: PVEAPIToken=" + pveToken + "\n");
    Files.writeString(options.workDir().resolve("inventory.json"), InventoryJson.write(inventory));
  }

  private void writeConfig() {
    String fingerprint;
    try {
      fingerprint = Files.readString(fingerprintFile()).strip();
      List<String> y = new ArrayList<>();
      y.add("# Written by the lab (LabCluster) for this run.");
      y.add("pve:");
      y.add("  url: " + standInUrl());
      y.add("  tokenFile: " + options.workDir().resolve("pve-token"));
      y.add("  fingerprint: \"" + fingerprint + "\"");
      y.add("specs:");
      if (options.specsGit() == null) {
        y.add("  path: " + options.specsDir());
      } else {
        // The controller's own clone; the specs come from the repository.
        y.add("  path: " + options.workDir().resolve("controller-specs"));
        y.add("  git:");
        y.add("    url: \"" + options.specsGit().url() + "\"");
        y.add("    branch: " + options.specsGit().branch());
        y.add("    pollInterval: " + options.specsGit().pollInterval().toMillis() + "ms");
      }
      if (options.pollInterval() != null) {
        y.add("pollInterval: " + options.pollInterval().toMillis() + "ms");
        y.add("statusInterval: " + options.pollInterval().toMillis() + "ms");
      }
      y.add("listen: " + LabTopology.CONTROLLER_ADDRESS + ":" + CONTROLLER_PORT);
      if (options.ha() != null) {
        secret("ha-password", options.ha().password() + "\n");
        y.add("ha:");
        y.add("  jdbcUrl: \"" + options.ha().jdbcUrl() + "\"");
        y.add("  user: " + options.ha().user());
        y.add("  passwordFile: " + options.workDir().resolve("ha-password"));
        y.add("  checkInInterval: " + options.ha().checkIn().toMillis() + "ms");
      }
      // /cluster/status carries no MTU; the lab's underlay is a jumbo-frame network.
      y.add("nodes:");
      y.add("  mtu: " + LabBuilder.UNDERLAY_MTU);
      y.add("agents:");
      y.add("  port: " + AGENT_PORT);
      y.add("  tls:");
      y.add("    ca: " + pki.ca());
      y.add("    cert: " + pki.cert("controller"));
      y.add("    key: " + pki.key("controller"));
      y.add("  urls:");
      for (LabNode node : lab.topology().nodes()) {
        y.add("    " + node.name() + ": " + agentUrl(node.name()));
      }
      Files.writeString(configFile, String.join("\n", y) + "\n");
    } catch (IOException e) {
      throw new LabException("cannot write " + configFile + ": " + e, e);
    }
  }

  private void secret(String name, String content) throws IOException {
    Path file = options.workDir().resolve(name);
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content);
  }

  private void standInAdmin(String action) {
    LabHttp.Response r =
        LabHttp.post(lab.topology().controllerNs(), standInUrl() + "/standin/" + action, pveHeader);
    if (!r.ok()) {
      throw new LabException("stand-in " + action + ": HTTP " + r.status() + " " + r.body());
    }
  }

  private void awaitAnswer(String name, Process p, java.util.function.BooleanSupplier answers) {
    boolean up = Await.until(STARTUP, () -> !p.isAlive() || answers.getAsBoolean());
    if (!up || !p.isAlive()) {
      throw new LabException(
          name
              + (p.isAlive() ? " did not answer within " + STARTUP : " exited")
              + "; log: "
              + log(name)
              + ": "
              + tail(log(name)));
    }
  }

  private Path fingerprintFile() {
    return options.workDir().resolve("pve.fingerprint");
  }

  /** The log file of a lab process. */
  public Path log(String name) {
    return options.workDir().resolve("logs").resolve(name + ".log");
  }

  /** The last lines of a log, for failure messages. */
  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static List<String> java(Path jar, List<String> args) {
    return JarProcess.argv(jar, args);
  }

  private static List<String> inNs(String ns, List<String> argv) {
    List<String> all = new ArrayList<>(List.of(Exec.IP, "netns", "exec", ns));
    all.addAll(argv);
    return all;
  }
}
