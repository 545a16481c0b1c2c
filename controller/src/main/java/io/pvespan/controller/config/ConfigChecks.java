package io.pvespan.controller.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvespan.controller.config.ConfigFile.AgentsSection;
import io.pvespan.controller.config.ConfigFile.HaSection;
import io.pvespan.controller.config.ConfigFile.NodesSection;
import io.pvespan.controller.config.ConfigFile.PveSection;
import io.pvespan.controller.config.ConfigFile.SpecsSection;
import io.pvespan.controller.config.ControllerConfig.Agents;
import io.pvespan.controller.config.ControllerConfig.HostPort;
import io.pvespan.controller.config.ControllerConfig.MutualTls;
import io.pvespan.controller.config.ControllerConfig.Pve;
import io.pvespan.controller.config.ControllerConfig.Secret;
import io.pvespan.controller.config.ControllerConfig.Specs;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the schema cannot say about a config: paths resolved against the file's directory and
 * checked on disk, secrets read (and refused when others could read them), and rules across fields.
 * Each method takes a section as bound (null: absent or already reported) and returns its part of
 * {@link ControllerConfig}, or null after recording why not.
 */
final class ConfigChecks {
  private static final Pattern PVE_TOKEN = Pattern.compile("[^\\s!=@]+@[^\\s!=@]+![^\\s!=]+=\\S+");
  private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  private static final Duration MIN_CHECK_IN = Duration.ofMillis(500);

  private final Path file;
  private final Path base;
  private final ConfigProblems problems;

  ConfigChecks(Path file, ConfigProblems problems) {
    this.file = file;
    this.base = file.toAbsolutePath().getParent();
    this.problems = problems;
  }

  Pve pve(PveSection s) {
    if (s == null) {
      return null;
    }
    if ((s.url() == null) == (s.inventoryFile() == null)) {
      problems.at("pve", "pve needs exactly one of pve.url or pve.inventoryFile");
      return null;
    }
    trustChoice("pve", s.fingerprint(), s.caFile(), s.insecure());
    Path ca = existingFile("pve.caFile", s.caFile());
    Path inventory = existingFile("pve.inventoryFile", s.inventoryFile());
    URI url =
        s.url() == null
            ? null
            : httpUri("pve.url", s.url(), "pve.url '%s' must be an http(s)://HOST[:PORT] URL");
    Secret token = s.url() == null ? null : pveToken(s);
    if (url == null && inventory == null || url != null && token == null) {
      return null;
    }
    String fingerprint = s.fingerprint() == null ? null : s.fingerprint().toUpperCase(Locale.ROOT);
    return new Pve(url, token, fingerprint, ca, Boolean.TRUE.equals(s.insecure()), inventory);
  }

  private Secret pveToken(PveSection s) {
    if ((s.token() == null) == (s.tokenFile() == null)) {
      problems.at("pve", "give exactly one of pve.token or pve.tokenFile");
      return null;
    }
    String key = s.token() != null ? "pve.token" : "pve.tokenFile";
    Secret token;
    if (s.token() != null) {
      // A secret in the config is as exposed as the config: hold it to the token file's rule.
      String open = configTooOpen();
      if (open != null) {
        problems.at(key, "pve.token: " + open + "; or move the token to pve.tokenFile");
        return null;
      }
      token = new Secret(s.token().strip());
    } else {
      token = secretFile(key, s.tokenFile());
    }
    if (token != null && !PVE_TOKEN.matcher(token.value()).matches()) {
      problems.at(key, "pve token must look like USER@REALM!TOKENID=SECRET");
      return null;
    }
    return token;
  }

  private String configTooOpen() {
    try {
      return SecretFiles.tooOpen(file);
    } catch (IOException e) {
      return file + " cannot be read: " + e.getMessage();
    }
  }

  Specs specs(SpecsSection s) {
    if (s == null) {
      return null;
    }
    Path path = base.resolve(s.path()).normalize();
    if (s.git() != null) {
      // The controller's own clone: created when missing.
      if (Files.exists(path) && !Files.isDirectory(path)) {
        problems.at("specs.path", "specs.path " + path + " is not a directory");
        return null;
      }
      ControllerConfig.Git git = git(s.git());
      return git == null ? null : new Specs(path, git);
    }
    if (!Files.isDirectory(path)) {
      problems.at("specs.path", "specs.path " + path + " is not a directory");
      return null;
    }
    return new Specs(path, null);
  }

  private ControllerConfig.Git git(SpecsSection.Git g) {
    boolean ok = true;
    if (g.sshKeyFile() != null) {
      problems.at(
          "specs.git.sshKeyFile",
          "specs.git.sshKeyFile: SSH is not supported by this version; use an https URL with"
              + " specs.git.credentialsFile (a token), or a file:// URL");
      ok = false;
    }
    if (g.url() == null) {
      return null; // the schema said why
    }
    if (g.url().startsWith("ssh://") || g.url().matches("^[^/:]+@[^:/]+:.*")) {
      problems.at(
          "specs.git.url",
          "specs.git.url '" + g.url() + "': SSH is not supported by this version; use https://");
      ok = false;
    }
    ControllerConfig.Secret credentials = null;
    if (g.credentialsFile() != null) {
      try {
        credentials = SecretFiles.read(base.resolve(g.credentialsFile()).normalize());
        if (!credentials.value().contains(":")) {
          problems.at(
              "specs.git.credentialsFile",
              "specs.git.credentialsFile must hold USER:PASSWORD-OR-TOKEN on one line");
          ok = false;
        }
      } catch (IllegalArgumentException e) {
        problems.at("specs.git.credentialsFile", "specs.git.credentialsFile: " + e.getMessage());
        ok = false;
      }
    }
    Duration poll = null;
    if (g.pollInterval() != null) {
      poll = Durations.parse(g.pollInterval());
      if (poll == null || poll.compareTo(MIN_INTERVAL) < 0) {
        problems.at(
            "specs.git.pollInterval",
            "specs.git.pollInterval '"
                + g.pollInterval()
                + "' must be a duration of at least 100ms (e.g. 30s)");
        ok = false;
      }
    }
    return ok ? new ControllerConfig.Git(g.url(), g.branch(), credentials, poll) : null;
  }

  Duration interval(JsonNode root, String key, Duration dflt, Set<String> broken) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull() || broken.contains(key)) {
      return dflt;
    }
    Duration d = Durations.parse(node.asText());
    if (d == null || d.compareTo(MIN_INTERVAL) < 0) {
      problems.at(
          key, key + " '" + node.asText() + "' must be a duration of at least 100ms (e.g. 10s)");
      return dflt;
    }
    return d;
  }

  HostPort listen(JsonNode root, Set<String> broken) {
    JsonNode node = root.get("listen");
    if (node == null || node.isNull() || broken.contains("listen")) {
      return ControllerConfig.DEFAULT_LISTEN;
    }
    HostPort hp = HostPort.parse(node.asText());
    if (hp == null) {
      problems.at(
          "listen", "listen '" + node.asText() + "' must be HOST:PORT (e.g. 127.0.0.1:8780)");
      return ControllerConfig.DEFAULT_LISTEN;
    }
    return hp;
  }

  Agents agents(AgentsSection s) {
    if (s == null) {
      return null;
    }
    trustChoice("agents", s.fingerprint(), s.caFile(), s.insecure());
    if (s.tls() != null
        && (s.fingerprint() != null || s.caFile() != null || s.insecure() != null)) {
      problems.at(
          "agents.tls",
          "agents.tls trusts the agents by its CA: drop agents.fingerprint, agents.caFile and"
              + " agents.insecure");
    }
    Path ca = existingFile("agents.caFile", s.caFile());
    if (s.tokenFile() == null && s.tls() == null) {
      problems.at(
          "agents",
          "agents needs tls (mutual TLS, see ./pvespan certs) or tokenFile (the agents' shared"
              + " credential), or both");
      return null;
    }
    Secret token = s.tokenFile() == null ? null : secretFile("agents.tokenFile", s.tokenFile());
    MutualTls tls = s.tls() == null ? null : mutualTls(s.tls());
    boolean labHttp = Boolean.TRUE.equals(s.insecureLabHttp());
    boolean plainOk = plainHttpAllowed("agents.scheme", "http".equals(s.scheme()), labHttp, s);
    Map<String, URI> urls = new LinkedHashMap<>();
    boolean urlsOk = plainOk;
    for (var e : (s.urls() == null ? Map.<String, String>of() : s.urls()).entrySet()) {
      String key = "agents.urls." + e.getKey();
      URI u = httpUri(key, e.getValue(), key + " must be an http(s)://HOST:PORT URL, not '%s'");
      urlsOk &= u != null && plainHttpAllowed(key, "http".equals(u.getScheme()), labHttp, s);
      urls.put(e.getKey(), u);
    }
    if (s.tokenFile() != null && token == null || s.tls() != null && tls == null || !urlsOk) {
      return null;
    }
    return new Agents(
        s.port() == null ? ControllerConfig.DEFAULT_AGENT_PORT : s.port(),
        s.scheme() == null ? "https" : s.scheme(),
        token,
        Boolean.TRUE.equals(s.insecure()),
        ca,
        s.fingerprint() == null ? null : s.fingerprint().toUpperCase(Locale.ROOT),
        urls,
        tls);
  }

  /**
   * Plain HTTP to an agent carries plans and the credential in clear text: only with the lab flag,
   * and never with mutual TLS (which would silently not be used).
   */
  private boolean plainHttpAllowed(String key, boolean http, boolean labHttp, AgentsSection s) {
    if (!http) {
      return true;
    }
    if (s.tls() != null) {
      problems.at(key, key + " is http but agents.tls is set: mutual TLS needs https");
      return false;
    }
    if (!labHttp) {
      problems.at(
          key,
          key
              + " http sends plans and the agents' credential in plain text: use https (with"
              + " agents.tls), or set agents.insecureLabHttp: true in a lab");
      return false;
    }
    return true;
  }

  private MutualTls mutualTls(AgentsSection.Tls t) {
    Path ca = existingFile("agents.tls.ca", t.ca());
    Path cert = existingFile("agents.tls.cert", t.cert());
    Path key = existingFile("agents.tls.key", t.key());
    if (key != null) {
      String open;
      try {
        open = SecretFiles.tooOpen(key);
      } catch (IOException e) {
        open = key + " cannot be read: " + e.getMessage();
      }
      if (open != null) {
        problems.at("agents.tls.key", "agents.tls.key: " + open);
        return null;
      }
    }
    return ca == null || cert == null || key == null ? null : new MutualTls(ca, cert, key);
  }

  /**
   * {@code ha}: the password only from a file (mode 600); the check-in interval at least {@link
   * #MIN_CHECK_IN} (Quartz's cluster manager wakes twice per interval); the instance id by default
   * the host's name and this process's id, unique as long as two controllers do not share a host
   * and a pid.
   */
  ControllerConfig.Ha ha(HaSection s) {
    if (s == null) {
      return null;
    }
    Secret password = secretFile("ha.passwordFile", s.passwordFile());
    Duration checkIn = ControllerConfig.Ha.DEFAULT_CHECK_IN;
    if (s.checkInInterval() != null) {
      checkIn = Durations.parse(s.checkInInterval());
      if (checkIn == null || checkIn.compareTo(MIN_CHECK_IN) < 0) {
        problems.at(
            "ha.checkInInterval",
            "ha.checkInInterval '"
                + s.checkInInterval()
                + "' must be a duration of at least 500ms (e.g. 2s)");
        return null;
      }
    }
    if (password == null) {
      return null;
    }
    String id = s.instanceId() != null ? s.instanceId() : defaultInstanceId();
    return new ControllerConfig.Ha(s.jdbcUrl(), s.user(), password, checkIn, id);
  }

  private static String defaultInstanceId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "controller";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  NodeOverrides nodes(NodesSection s) {
    return s == null ? NodeOverrides.NONE : new NodeOverrides(s.addresses(), s.mtu(), s.mtus());
  }

  private void trustChoice(String section, String fingerprint, String caFile, Boolean insecure) {
    long n = Stream.of(fingerprint, caFile, insecure).filter(Objects::nonNull).count();
    if (n > 1) {
      problems.at(
          section,
          "give at most one of "
              + section
              + ".fingerprint, "
              + section
              + ".caFile or "
              + section
              + ".insecure");
    }
  }

  private Path existingFile(String key, String text) {
    if (text == null) {
      return null;
    }
    Path p = base.resolve(text).normalize();
    if (!Files.isRegularFile(p)) {
      problems.at(key, key + " " + p + " does not exist or is not a file");
      return null;
    }
    return p;
  }

  private Secret secretFile(String key, String text) {
    try {
      return SecretFiles.read(base.resolve(text).normalize());
    } catch (IllegalArgumentException e) {
      problems.at(key, key + ": " + e.getMessage());
      return null;
    }
  }

  /** The URL, or null after reporting {@code message} ({@code %s}: the text). */
  private URI httpUri(String key, String text, String message) {
    try {
      URI u = new URI(text.strip());
      if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    problems.at(key, message.replace("%s", text));
    return null;
  }
}
