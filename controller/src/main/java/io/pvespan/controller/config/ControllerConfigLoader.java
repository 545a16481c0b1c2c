package io.pvespan.controller.config;

import io.pvespan.controller.config.ControllerConfig.Agents;
import io.pvespan.controller.config.ControllerConfig.HostPort;
import io.pvespan.controller.config.ControllerConfig.Pve;
import io.pvespan.controller.config.ControllerConfig.Secret;
import io.pvespan.controller.config.ControllerConfig.Specs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the controller's YAML config. Every problem is collected and reported as one
 * {@code file:line:col: message} line; relative paths are relative to the config file's directory.
 */
public final class ControllerConfigLoader {
  static final Pattern FINGERPRINT = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}");
  private static final Pattern PVE_TOKEN = Pattern.compile("[^\\s!=@]+@[^\\s!=@]+![^\\s!=]+=\\S+");
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f.:]+");
  private static final Duration MIN_INTERVAL = Duration.ofMillis(100);

  private ControllerConfigLoader() {}

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException with one line per problem
   */
  public static ControllerConfig load(Path file) throws ConfigException {
    YamlTree tree = YamlTree.read(file);
    List<String> problems = new ArrayList<>();
    if (tree.map() == null) {
      throw new ConfigException(List.of(file + ":1:1: the config must be a mapping of keys"));
    }
    Path base = file.toAbsolutePath().getParent();
    var root = new ConfigSection(file, "", tree, problems);
    root.allow(
        Set.of("pve", "specs", "pollInterval", "statusInterval", "listen", "agents", "nodes"));
    Pve pve = pve(root, base);
    Specs specs = specs(root, base);
    Duration poll = interval(root, "pollInterval", Duration.ofSeconds(10));
    Duration status = interval(root, "statusInterval", ControllerConfig.DEFAULT_STATUS_INTERVAL);
    HostPort listen = listen(root);
    Agents agents = agents(root, base);
    NodeOverrides nodes = nodes(root);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ControllerConfig(pve, specs, poll, status, listen, agents, nodes);
  }

  private static Pve pve(ConfigSection root, Path base) {
    if (!root.has("pve")) {
      root.problem("pve", "pve is missing (pve.url with a token, or pve.inventoryFile)");
      return null;
    }
    ConfigSection s = root.section("pve");
    s.allow(
        Set.of("url", "token", "tokenFile", "fingerprint", "caFile", "insecure", "inventoryFile"));
    URI url = uri(s, "url");
    Path inventory = existingFile(s, "inventoryFile", base);
    if (s.has("url") == s.has("inventoryFile")) {
      s.problem(root.node("pve"), "pve needs exactly one of pve.url or pve.inventoryFile");
      return null;
    }
    Secret token = null;
    if (s.has("url")) {
      token = secret(s, "token", "tokenFile", base, root.node("pve"));
      if (token != null && !PVE_TOKEN.matcher(token.value()).matches()) {
        s.problem(
            s.has("token") ? "token" : "tokenFile",
            "pve token must look like USER@REALM!TOKENID=SECRET");
        token = null;
      }
    }
    String fingerprint = fingerprint(s);
    Path ca = existingFile(s, "caFile", base);
    Boolean insecure = s.bool("insecure");
    oneTrust(s, root.node("pve"));
    if (url == null && inventory == null || url != null && token == null) {
      return null;
    }
    return new Pve(url, token, fingerprint, ca, Boolean.TRUE.equals(insecure), inventory);
  }

  private static Specs specs(ConfigSection root, Path base) {
    ConfigSection s = root.section("specs");
    s.allow(Set.of("path", "git"));
    ConfigSection git = s.section("git");
    git.allow(Set.of("url", "branch"));
    String gitUrl = git.string("url");
    Path path = s.path("path", base);
    if (path == null) {
      s.problem(root.has("specs") ? root.node("specs") : root.node("pve"), "specs.path is missing");
      return null;
    }
    if (!Files.isDirectory(path)) {
      s.problem("path", "specs.path " + path + " is not a directory");
      return null;
    }
    return new Specs(path, gitUrl, git.string("branch"));
  }

  private static Duration interval(ConfigSection root, String key, Duration dflt) {
    String text = root.string(key);
    if (text == null) {
      return dflt;
    }
    Duration d = Durations.parse(text);
    if (d == null || d.compareTo(MIN_INTERVAL) < 0) {
      root.problem(key, key + " '" + text + "' must be a duration of at least 100ms (e.g. 10s)");
      return dflt;
    }
    return d;
  }

  private static HostPort listen(ConfigSection root) {
    String text = root.string("listen");
    if (text == null) {
      return ControllerConfig.DEFAULT_LISTEN;
    }
    HostPort hp = hostPort(text);
    if (hp == null) {
      root.problem("listen", "listen '" + text + "' must be HOST:PORT (e.g. 127.0.0.1:8780)");
      return ControllerConfig.DEFAULT_LISTEN;
    }
    return hp;
  }

  /** HOST:PORT or [IPv6]:PORT, or null. */
  public static HostPort hostPort(String text) {
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

  private static Agents agents(ConfigSection root, Path base) {
    if (!root.has("agents")) {
      root.problem("agents", "agents is missing (at least agents.tokenFile)");
      return null;
    }
    ConfigSection s = root.section("agents");
    s.allow(Set.of("port", "scheme", "tokenFile", "insecure", "caFile", "fingerprint", "urls"));
    int port = ControllerConfig.DEFAULT_AGENT_PORT;
    String portText = s.string("port");
    if (portText != null) {
      port = portNumber(portText);
      if (port < 0) {
        s.problem("port", "agents.port '" + portText + "' must be a port number 1..65535");
      }
    }
    String scheme = s.string("scheme");
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      s.problem("scheme", "agents.scheme must be http or https, not '" + scheme + "'");
    }
    Secret token = null;
    Path tokenFile = s.path("tokenFile", base);
    if (tokenFile == null) {
      s.problem(root.node("agents"), "agents.tokenFile is missing (the agents' shared credential)");
    } else {
      token = readSecret(s, "tokenFile", tokenFile);
    }
    Boolean insecure = s.bool("insecure");
    Path ca = existingFile(s, "caFile", base);
    String fingerprint = fingerprint(s);
    oneTrust(s, root.node("agents"));
    Map<String, URI> urls = new LinkedHashMap<>();
    for (var e : s.stringMap("urls").entrySet()) {
      URI u = parseHttpUri(e.getValue().text());
      if (u == null) {
        s.problem(
            e.getValue(), "agents.urls." + e.getKey() + " must be an http(s)://HOST:PORT URL");
      } else {
        urls.put(e.getKey(), u);
      }
    }
    if (token == null || port < 0 || scheme != null && !scheme.matches("https?")) {
      return null;
    }
    return new Agents(
        port,
        scheme == null ? "https" : scheme,
        token,
        Boolean.TRUE.equals(insecure),
        ca,
        fingerprint,
        urls);
  }

  private static NodeOverrides nodes(ConfigSection root) {
    ConfigSection nodes = root.section("nodes");
    nodes.allow(Set.of("addresses", "mtu", "mtus"));
    Integer mtu = null;
    if (nodes.has("mtu")) {
      mtu = mtu(nodes, nodes.node("mtu"), "nodes.mtu");
    }
    Map<String, Integer> mtus = new LinkedHashMap<>();
    for (var e : nodes.stringMap("mtus").entrySet()) {
      Integer m = mtu(nodes, e.getValue(), "nodes.mtus." + e.getKey());
      if (m != null) {
        mtus.put(e.getKey(), m);
      }
    }
    return new NodeOverrides(addresses(nodes), mtu, mtus);
  }

  private static Integer mtu(ConfigSection nodes, YamlTree value, String name) {
    String text = value == null || value.text() == null ? "" : value.text().trim();
    try {
      int m = Integer.parseInt(text);
      if (m >= 576 && m <= 65535) {
        return m;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    nodes.problem(value, name + " '" + text + "' is not an MTU (576..65535)");
    return null;
  }

  private static Map<String, String> addresses(ConfigSection nodes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : nodes.stringMap("addresses").entrySet()) {
      String ip = e.getValue().text().trim();
      if (!IP_LITERAL.matcher(ip).matches() || !(ip.contains(".") || ip.contains(":"))) {
        nodes.problem(
            e.getValue(), "nodes.addresses." + e.getKey() + " '" + ip + "' is not an IP address");
      } else {
        out.put(e.getKey(), ip);
      }
    }
    return out;
  }

  private static Secret secret(
      ConfigSection s, String key, String fileKey, Path base, YamlTree sectionAt) {
    if (s.has(key) == s.has(fileKey)) {
      s.problem(sectionAt, "give exactly one of " + s.name(key) + " or " + s.name(fileKey));
      return null;
    }
    if (s.has(key)) {
      String v = s.string(key);
      return v == null ? null : new Secret(v);
    }
    Path file = s.path(fileKey, base);
    return file == null ? null : readSecret(s, fileKey, file);
  }

  private static Secret readSecret(ConfigSection s, String key, Path file) {
    try {
      return SecretFiles.read(file);
    } catch (IllegalArgumentException e) {
      s.problem(key, s.name(key) + ": " + e.getMessage());
      return null;
    }
  }

  private static String fingerprint(ConfigSection s) {
    String fp = s.string("fingerprint");
    if (fp != null && !FINGERPRINT.matcher(fp).matches()) {
      s.problem(
          "fingerprint",
          s.name("fingerprint") + " must be a SHA-256 fingerprint AA:BB:... (32 bytes)");
      return null;
    }
    return fp == null ? null : fp.toUpperCase(java.util.Locale.ROOT);
  }

  private static void oneTrust(ConfigSection s, YamlTree sectionAt) {
    long n = Set.of("fingerprint", "caFile", "insecure").stream().filter(s::has).count();
    if (n > 1) {
      s.problem(
          sectionAt,
          "give at most one of "
              + s.name("fingerprint")
              + ", "
              + s.name("caFile")
              + " or "
              + s.name("insecure"));
    }
  }

  private static Path existingFile(ConfigSection s, String key, Path base) {
    Path p = s.path(key, base);
    if (p != null && !Files.isRegularFile(p)) {
      s.problem(key, s.name(key) + " " + p + " does not exist or is not a file");
      return null;
    }
    return p;
  }

  private static URI uri(ConfigSection s, String key) {
    String text = s.string(key);
    if (text == null) {
      return null;
    }
    URI u = parseHttpUri(text);
    if (u == null) {
      s.problem(key, s.name(key) + " '" + text + "' must be an http(s)://HOST[:PORT] URL");
    }
    return u;
  }

  private static URI parseHttpUri(String text) {
    try {
      URI u = new URI(text.trim());
      boolean http = "https".equals(u.getScheme()) || "http".equals(u.getScheme());
      return http && u.getHost() != null ? u : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static int portNumber(String text) {
    try {
      int p = Integer.parseInt(text);
      return p >= 1 && p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
