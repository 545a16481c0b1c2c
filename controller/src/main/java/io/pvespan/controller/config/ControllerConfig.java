package io.pvespan.controller.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The controller's validated configuration ({@code ./pvespan controller --config FILE}); see {@code
 * deploy/config/controller.yaml.example}. Built by {@link ConfigLoader}, which reports every
 * problem as {@code file:line:col: message}; the records only guard invariants.
 *
 * @param nodes per-node underlay address and MTU overrides ({@code nodes.*})
 * @param ha high availability on PostgreSQL ({@code ha.*}), or null: one controller, no database
 */
public record ControllerConfig(
    Pve pve,
    Specs specs,
    Duration pollInterval,
    Duration statusInterval,
    HostPort listen,
    Agents agents,
    NodeOverrides nodes,
    Ha ha) {
  /**
   * {@code statusInterval} when absent: a device an agent reports (a NIC hot-plugged, a guest
   * started by HA on another node) reaches the controller within this, and the controller acts on
   * it at once; a status read is a small GET to our own agent on the local network, not to
   * pveproxy.
   */
  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(1);

  /** Where the controller listens when {@code listen} is absent. */
  public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8780);

  /** The agents' port when {@code agents.port} is absent. */
  public static final int DEFAULT_AGENT_PORT = 8787;

  public ControllerConfig {
    Objects.requireNonNull(pve, "pve");
    Objects.requireNonNull(specs, "specs");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(statusInterval, "statusInterval");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(agents, "agents");
    nodes = nodes == null ? NodeOverrides.NONE : nodes;
  }

  /** {@code nodes.addresses}: underlay address overrides by node. */
  public Map<String, String> nodeAddresses() {
    return nodes.addresses();
  }

  /**
   * How to reach the cluster: the Proxmox API ({@code url} with a token and a trust choice), or,
   * offline and in the lab, a saved inventory file ({@code inventoryFile}). Exactly one of the two.
   *
   * @param fingerprint SHA-256 of the node certificate ({@code AA:BB:...}, 32 bytes), or null
   */
  public record Pve(
      URI url,
      Secret token,
      String fingerprint,
      Path caFile,
      boolean insecure,
      Path inventoryFile) {
    public Pve {
      if ((url == null) == (inventoryFile == null)) {
        throw new IllegalArgumentException("exactly one of pve.url or pve.inventoryFile");
      }
      if (url != null) {
        Objects.requireNonNull(token, "pve.token");
      }
    }
  }

  /**
   * The spec repository: a directory tree of YAML files, or with {@code git} a Git repository the
   * controller pulls itself into {@code path} (its own clone).
   */
  public record Specs(Path path, Git git) {
    public Specs {
      Objects.requireNonNull(path, "specs.path");
    }

    /** The repository's URL, or null without {@code specs.git}. */
    public String gitUrl() {
      return git == null ? null : git.url();
    }

    /** The branch, or null without {@code specs.git}. */
    public String gitBranch() {
      return git == null ? null : git.branch();
    }
  }

  /**
   * {@code specs.git}: where to fetch from, which branch, how often, and the https credentials
   * ({@code USER:SECRET}) or none (a file:// or public repository).
   */
  public record Git(String url, String branch, Secret credentials, Duration pollInterval) {
    public static final String DEFAULT_BRANCH = "main";
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(30);

    public Git {
      Objects.requireNonNull(url, "specs.git.url");
      branch = branch == null ? DEFAULT_BRANCH : branch;
      pollInterval = pollInterval == null ? DEFAULT_POLL : pollInterval;
    }
  }

  /**
   * How to reach the node agents: {@code scheme}://{@code node address}:{@code port} unless {@code
   * urls} has the node; {@code token} is the shared bearer credential (null only with {@code tls});
   * TLS trust by CA file, certificate fingerprint, or not at all ({@code insecure}); or mutual TLS
   * ({@code tls}, null when not configured).
   */
  public record Agents(
      int port,
      String scheme,
      Secret token,
      boolean insecure,
      Path caFile,
      String fingerprint,
      Map<String, URI> urls,
      MutualTls tls) {
    public Agents {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("agents.port " + port + " is outside 1..65535");
      }
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new IllegalArgumentException("agents.scheme must be http or https");
      }
      if (token == null && tls == null) {
        throw new IllegalArgumentException("agents needs a token, mutual TLS or both");
      }
      urls = new TreeMap<>(urls == null ? Map.of() : urls);
    }
  }

  /**
   * {@code agents.tls}: the CA that signed the agents' certificates, and the controller's client
   * certificate and key (PEM files, as {@code ./pvespan certs} writes them).
   */
  public record MutualTls(Path ca, Path cert, Path key) {
    public MutualTls {
      Objects.requireNonNull(ca, "agents.tls.ca");
      Objects.requireNonNull(cert, "agents.tls.cert");
      Objects.requireNonNull(key, "agents.tls.key");
    }
  }

  /**
   * {@code ha}: the PostgreSQL database the controllers share, the credentials to it, how often
   * each controller checks in with the cluster, and this controller's name in it.
   */
  public record Ha(
      String jdbcUrl, String user, Secret password, Duration checkIn, String instanceId) {
    public static final Duration DEFAULT_CHECK_IN = Duration.ofSeconds(2);

    public Ha {
      Objects.requireNonNull(jdbcUrl, "ha.jdbcUrl");
      Objects.requireNonNull(user, "ha.user");
      Objects.requireNonNull(password, "ha.passwordFile");
      Objects.requireNonNull(checkIn, "ha.checkInInterval");
      Objects.requireNonNull(instanceId, "ha.instanceId");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("ha.jdbcUrl must be a jdbc:postgresql: URL");
      }
    }
  }

  /** A listen address; {@code host} may be an IPv6 literal without brackets. */
  public record HostPort(String host, int port) {
    public HostPort {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is outside 0..65535");
      }
    }

    /** HOST:PORT or [IPv6]:PORT with a port in 0..65535, or null. */
    public static HostPort parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        return null;
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(text.substring(colon + 1));
        return port < 0 || port > 65535 || host.isEmpty() ? null : new HostPort(host, port);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** A credential; never printed. */
  public record Secret(String value) {
    public Secret {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("empty credential");
      }
    }

    @Override
    public String toString() {
      return "Secret[****]";
    }
  }
}
