package io.pvespan.agent;

import io.pvespan.agent.engine.Underlay;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agent's validated options ({@code ./pvespan agent ...}). {@code netns} (lab only) makes the
 * kernel layer run {@code ip -n NAME} / {@code tc -n NAME}; production runs the agent inside the
 * node's own namespace and leaves it empty. {@code tlsCert}/{@code tlsKey} come together or not at
 * all; {@code tlsCa} (mutual TLS) needs them and makes {@code tokenFile} optional. Without TLS the
 * agent serves plain HTTP only when {@code insecureLabHttp} says so explicitly.
 */
public record AgentOptions(
    String node,
    InetSocketAddress listen,
    Path stateDir,
    Optional<Path> tokenFile,
    Optional<Path> tlsCert,
    Optional<Path> tlsKey,
    Optional<String> netns,
    Duration resync,
    Underlay underlay,
    Optional<Path> tlsCa,
    boolean insecureLabHttp,
    Duration canaryInterval) {
  public static final Duration DEFAULT_RESYNC = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CANARY_INTERVAL = Duration.ofSeconds(10);

  // A Proxmox node name is a host name label; netns names are file names under /run/netns.
  private static final Pattern NODE =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
  private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

  public AgentOptions {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(stateDir, "stateDir");
    tokenFile = tokenFile == null ? Optional.empty() : tokenFile;
    tlsCa = tlsCa == null ? Optional.empty() : tlsCa;
    tlsCert = tlsCert == null ? Optional.empty() : tlsCert;
    tlsKey = tlsKey == null ? Optional.empty() : tlsKey;
    netns = netns == null ? Optional.empty() : netns;
    resync = resync == null ? DEFAULT_RESYNC : resync;
    underlay = underlay == null ? Underlay.NONE : underlay;
    canaryInterval = canaryInterval == null ? DEFAULT_CANARY_INTERVAL : canaryInterval;
  }

  /** The options without a canary interval of their own (the default). */
  public AgentOptions(
      String node,
      InetSocketAddress listen,
      Path stateDir,
      Optional<Path> tokenFile,
      Optional<Path> tlsCert,
      Optional<Path> tlsKey,
      Optional<String> netns,
      Duration resync,
      Underlay underlay,
      Optional<Path> tlsCa,
      boolean insecureLabHttp) {
    this(
        node,
        listen,
        stateDir,
        tokenFile,
        tlsCert,
        tlsKey,
        netns,
        resync,
        underlay,
        tlsCa,
        insecureLabHttp,
        null);
  }

  public boolean tls() {
    return tlsCert.isPresent();
  }

  /** Mutual TLS: clients need a certificate from {@code tlsCa}. */
  public boolean mutualTls() {
    return tlsCa.isPresent();
  }

  /** Parses {@code args} ({@code --opt value} or {@code --opt=value}); one-line errors. */
  public static AgentOptions parse(String... args) throws UsageException {
    return of(AgentArgs.parse(AgentArgs.commandLine(), args));
  }

  /** Checks the options as given; one-line errors. */
  static AgentOptions of(AgentArgs given) throws UsageException {
    String node = required(given.node, "--node");
    if (!NODE.matcher(node).matches()) {
      throw new UsageException("--node '" + node + "' is not a node name (letters, digits, -)");
    }
    InetSocketAddress listen = listen(required(given.listen, "--listen"));
    Path stateDir = Path.of(required(given.stateDir, "--state-dir"));
    Optional<Path> tokenFile =
        Optional.ofNullable(notEmpty(given.tokenFile, "--token-file")).map(Path::of);
    Optional<Path> cert = Optional.ofNullable(notEmpty(given.tlsCert, "--tls-cert")).map(Path::of);
    Optional<Path> key = Optional.ofNullable(notEmpty(given.tlsKey, "--tls-key")).map(Path::of);
    Optional<Path> ca = Optional.ofNullable(notEmpty(given.tlsCa, "--tls-ca")).map(Path::of);
    Optional<String> netns = Optional.ofNullable(notEmpty(given.netns, "--netns"));
    if (netns.isPresent() && !NETNS.matcher(netns.get()).matches()) {
      throw new UsageException("--netns '" + netns.get() + "' is not a namespace name");
    }
    Duration resync = resync(notEmpty(given.resync, "--resync"));
    Underlay underlay = underlay(given.underlay);
    transport(tokenFile, cert, key, ca, given.insecureLabHttp);
    return new AgentOptions(
        node,
        listen,
        stateDir,
        tokenFile,
        cert,
        key,
        netns,
        resync,
        underlay,
        ca,
        given.insecureLabHttp,
        canaryInterval(notEmpty(given.canaryInterval, "--canary-interval")));
  }

  /**
   * The transport options fit together: a credential (token and/or mutual TLS), and TLS unless
   * plain HTTP is asked for by name.
   */
  private static void transport(
      Optional<Path> token,
      Optional<Path> cert,
      Optional<Path> key,
      Optional<Path> ca,
      boolean labHttp)
      throws UsageException {
    if (cert.isPresent() != key.isPresent()) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    if (ca.isPresent() && cert.isEmpty()) {
      throw new UsageException("--tls-ca needs --tls-cert and --tls-key (this node's certificate)");
    }
    if (labHttp && cert.isPresent()) {
      throw new UsageException("--insecure-lab-http and --tls-cert exclude each other");
    }
    if (token.isEmpty() && ca.isEmpty()) {
      throw new UsageException("--token-file is required unless --tls-ca (mutual TLS) is given");
    }
    if (cert.isEmpty() && !labHttp) {
      throw new UsageException(
          "no TLS: give --tls-cert, --tls-key and --tls-ca (mutual TLS), or --insecure-lab-http"
              + " to serve plain HTTP in a lab");
    }
  }

  private static Underlay underlay(java.util.List<String> given) throws UsageException {
    if (given == null) {
      return Underlay.NONE;
    }
    java.util.List<io.pvespan.agent.kernel.Cidr> cidrs = new java.util.ArrayList<>();
    for (String c : given) {
      try {
        cidrs.add(io.pvespan.agent.kernel.Cidr.parse(c.trim()));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--underlay '" + c + "' is not a CIDR (e.g. 10.10.0.0/24)");
      }
    }
    return new Underlay(cidrs);
  }

  private static String required(String value, String name) throws UsageException {
    if (value == null) {
      throw new UsageException(name + " is required");
    }
    return notEmpty(value, name);
  }

  private static String notEmpty(String value, String name) throws UsageException {
    if (value != null && value.isEmpty()) {
      throw new UsageException(name + " needs a value");
    }
    return value;
  }

  private static InetSocketAddress listen(String text) throws UsageException {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new UsageException("--listen '" + text + "' is not HOST:PORT");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException("--listen '" + text + "': the port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--listen '" + text + "': the port is outside 0..65535");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new UsageException("--listen '" + text + "': unknown host '" + host + "'");
    }
    return address;
  }

  private static Duration resync(String text) throws UsageException {
    if (text == null) {
      return DEFAULT_RESYNC;
    }
    try {
      long seconds = Long.parseLong(text);
      if (seconds >= 1 && seconds <= 86_400) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // falls through to the one-line error
    }
    throw new UsageException("--resync '" + text + "' is not a number of seconds in 1..86400");
  }

  /** Seconds (decimals allowed), 0 = no canaries, else 0.2..3600. */
  private static Duration canaryInterval(String text) throws UsageException {
    if (text == null) {
      return DEFAULT_CANARY_INTERVAL;
    }
    try {
      long millis = new java.math.BigDecimal(text).movePointRight(3).longValueExact();
      if (millis == 0 || (millis >= 200 && millis <= 3_600_000)) {
        return Duration.ofMillis(millis);
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // falls through to the one-line error
    }
    throw new UsageException(
        "--canary-interval '" + text + "' is not 0 or a number of seconds in 0.2..3600");
  }
}
