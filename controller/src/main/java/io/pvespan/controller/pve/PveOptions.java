package io.pvespan.controller.pve;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --pve-*} command-line options, shared by every command that talks to Proxmox ({@code
 * inventory}, {@code plan}):
 *
 * <pre>
 * --pve-url URL                       https://HOST[:8006]
 * --pve-token TOKEN | --pve-token-file FILE   USER@REALM!TOKENID=SECRET (the file mode 600)
 * [--pve-fingerprint FP | --pve-ca-file FILE | --pve-insecure]
 * </pre>
 *
 * {@link #parse} takes these out of an argument list and leaves the rest for the command; {@link
 * #connection()} then reads the token file and validates everything.
 */
public record PveOptions(
    String url,
    String token,
    Path tokenFile,
    String fingerprint,
    Path caFile,
    boolean insecure,
    List<String> remaining) {
  /** The options' usage lines, for a command's {@code --help}. */
  public static final String USAGE =
      "--pve-url URL (--pve-token USER@REALM!TOKENID=SECRET | --pve-token-file FILE)"
          + " [--pve-fingerprint SHA256 | --pve-ca-file FILE | --pve-insecure]";

  /** A usage mistake (exit 2). */
  public static final class UsageException extends Exception {
    public UsageException(String message) {
      super(message);
    }
  }

  /**
   * Takes the {@code --pve-*} options out of {@code args}; other arguments are returned in {@link
   * #remaining()} in their order. Accepts {@code --opt VALUE} and {@code --opt=VALUE}.
   */
  public static PveOptions parse(List<String> args) throws UsageException {
    String url = null;
    String token = null;
    Path tokenFile = null;
    String fingerprint = null;
    Path caFile = null;
    boolean insecure = false;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      if (!name.startsWith("--pve-")) {
        rest.add(a);
        continue;
      }
      if (name.equals("--pve-insecure")) {
        if (a.contains("=")) {
          throw new UsageException("--pve-insecure takes no value");
        }
        insecure = true;
        continue;
      }
      String value;
      if (a.contains("=")) {
        value = a.substring(a.indexOf('=') + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new UsageException(name + " needs a value");
      }
      switch (name) {
        case "--pve-url" -> url = once(name, url, value);
        case "--pve-token" -> token = once(name, token, value);
        case "--pve-token-file" -> tokenFile = Path.of(once(name, str(tokenFile), value));
        case "--pve-fingerprint" -> fingerprint = once(name, fingerprint, value);
        case "--pve-ca-file" -> caFile = Path.of(once(name, str(caFile), value));
        default -> throw new UsageException("unknown option " + name);
      }
    }
    PveOptions o = new PveOptions(url, token, tokenFile, fingerprint, caFile, insecure, rest);
    o.check();
    return o;
  }

  /**
   * The same options from a config file ({@code pve.url}, {@code pve.token} or {@code
   * pve.tokenFile}, {@code pve.fingerprint}, {@code pve.caFile}, {@code pve.insecure}), checked
   * like the command line; null for absent ones.
   *
   * @throws UsageException one line: a missing url or token, two TLS choices
   */
  public static PveOptions of(
      String url, String token, Path tokenFile, String fingerprint, Path caFile, boolean insecure)
      throws UsageException {
    PveOptions o = new PveOptions(url, token, tokenFile, fingerprint, caFile, insecure, List.of());
    if (url == null) {
      throw new UsageException("pve.url is missing");
    }
    o.check();
    return o;
  }

  private static String str(Path p) {
    return p == null ? null : p.toString();
  }

  private static String once(String name, String old, String value) throws UsageException {
    if (old != null) {
      throw new UsageException(name + " given twice");
    }
    return value;
  }

  private void check() throws UsageException {
    boolean any = token != null || tokenFile != null || fingerprint != null || caFile != null;
    if (url == null) {
      if (any || insecure) {
        throw new UsageException("--pve-* options need --pve-url");
      }
      return;
    }
    if ((token == null) == (tokenFile == null)) {
      throw new UsageException("give exactly one of --pve-token and --pve-token-file");
    }
    int tls = (fingerprint != null ? 1 : 0) + (caFile != null ? 1 : 0) + (insecure ? 1 : 0);
    if (tls > 1) {
      throw new UsageException(
          "give at most one of --pve-fingerprint, --pve-ca-file and --pve-insecure");
    }
  }

  /** True when {@code --pve-url} was given. */
  public boolean present() {
    return url != null;
  }

  /**
   * The connection these options describe (reads the token file).
   *
   * @throws PveException one line: bad URL, token, fingerprint, or an unsafe token file
   */
  public PveConnection connection() throws PveException {
    if (url == null) {
      throw new PveException("--pve-url is missing");
    }
    try {
      PveToken t = tokenFile != null ? PveToken.fromFile(tokenFile) : PveToken.parse(token);
      PveTls tls =
          fingerprint != null
              ? new PveTls.Pinned(fingerprint)
              : caFile != null
                  ? new PveTls.CaFile(caFile)
                  : insecure ? new PveTls.Insecure() : new PveTls.SystemTrust();
      return PveConnection.of(url, t, tls);
    } catch (IllegalArgumentException e) {
      throw new PveException(e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "PveOptions[url=" + url + ", token=" + (token == null ? null : "<secret>") + "]";
  }
}
