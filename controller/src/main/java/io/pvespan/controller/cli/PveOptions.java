package io.pvespan.controller.cli;

import io.pvespan.controller.pve.PveConnection;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveTls;
import io.pvespan.controller.pve.PveToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --pve-*} options, a picocli mixin shared by every command that talks to Proxmox
 * ({@code inventory}, {@code plan}). {@link #check} refuses impossible combinations (a usage
 * error); {@link #connection} then reads the token and validates the values.
 *
 * <p>The token is a secret: on the command line ({@code --pve-token}) every user of the host sees
 * it in {@code ps}, so {@code --pve-token-file FILE} (mode 600) or {@code --pve-token-file -}
 * (standard input) is the way to give it; {@code --pve-token} stays for the brief's compatibility
 * and prints {@link #TOKEN_WARNING}.
 */
final class PveOptions {
  /** Printed (after the command's name) whenever {@code --pve-token} is used. */
  static final String TOKEN_WARNING =
      "warning: --pve-token puts the secret where every user of this host sees it (ps);"
          + " use --pve-token-file FILE, or --pve-token-file - to read it from stdin";

  /** Standard input is never a token file of this size; a larger one is a mistake. */
  private static final int MAX_STDIN_TOKEN = 4096;

  /** The options in a synopsis (a command's {@code customSynopsis}). */
  static final String SYNOPSIS =
      "--pve-url URL (--pve-token-file FILE|- | --pve-token TOKEN)%n"
          + "    [--pve-fingerprint SHA256 | --pve-ca-file FILE | --pve-insecure]";

  /** {@code --pve-token-file -} reads the token from standard input. */
  static final String STDIN = "-";

  @Option(
      names = "--pve-url",
      paramLabel = "URL",
      description = "the Proxmox VE API of any cluster node: https://HOST[:8006]")
  String url;

  @Option(
      names = "--pve-token-file",
      paramLabel = "FILE",
      description =
          "a file (mode 600) holding the API token USER@REALM!TOKENID=SECRET;"
              + " '-' reads the token from standard input")
  String tokenFile;

  @Option(
      names = "--pve-token",
      paramLabel = "TOKEN",
      description =
          "the API token USER@REALM!TOKENID=SECRET itself; visible to every user in ps:"
              + " prefer --pve-token-file")
  String token;

  @Option(
      names = "--pve-fingerprint",
      paramLabel = "SHA256",
      description = "trust the node certificate with this SHA-256 fingerprint (AA:BB:...)")
  String fingerprint;

  @Option(
      names = "--pve-ca-file",
      paramLabel = "FILE",
      description = "trust certificates signed by this CA (PEM)")
  Path caFile;

  @Option(names = "--pve-insecure", description = "do not check the API's certificate (lab only)")
  boolean insecure;

  /** True when {@code --pve-url} was given. */
  boolean present() {
    return url != null;
  }

  /** True when the token was given on the command line (warn: it shows in ps). */
  boolean tokenOnCommandLine() {
    return token != null;
  }

  /** Null when the options can be used together, else a one-line usage problem. */
  String problem() {
    boolean any = token != null || tokenFile != null || fingerprint != null || caFile != null;
    if (url == null) {
      return any || insecure ? "--pve-* options need --pve-url" : null;
    }
    if ((token == null) == (tokenFile == null)) {
      return "give exactly one of --pve-token and --pve-token-file";
    }
    int tls = (fingerprint != null ? 1 : 0) + (caFile != null ? 1 : 0) + (insecure ? 1 : 0);
    if (tls > 1) {
      return "give at most one of --pve-fingerprint, --pve-ca-file and --pve-insecure";
    }
    return null;
  }

  /**
   * The connection these options describe: reads the token (file or {@code stdin}).
   *
   * @throws PveException one line: bad URL, token, fingerprint, or an unsafe token file
   */
  PveConnection connection(InputStream stdin) throws PveException {
    if (url == null) {
      throw new PveException("--pve-url is missing");
    }
    try {
      PveToken t =
          tokenFile == null
              ? PveToken.parse(token)
              : STDIN.equals(tokenFile)
                  ? PveToken.parse(readStdin(stdin))
                  : PveToken.fromFile(Path.of(tokenFile));
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

  private static String readStdin(InputStream in) throws PveException {
    try {
      byte[] bytes = in.readNBytes(MAX_STDIN_TOKEN + 1);
      if (bytes.length > MAX_STDIN_TOKEN) {
        throw new PveException("--pve-token-file -: standard input is too long for a token");
      }
      String text = new String(bytes, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new PveException("--pve-token-file -: no token on standard input");
      }
      return text;
    } catch (IOException e) {
      throw new PveException("--pve-token-file -: cannot read standard input: " + e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "PveOptions[url=" + url + ", token=" + (token == null ? null : "<secret>") + "]";
  }
}
