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
 * <p>The token is a secret: on the command line every user of the host would see it in {@code ps},
 * so it comes only from {@code --pve-token-file FILE} (mode 600) or {@code --pve-token-file -}
 * (standard input). {@code --pve-token TOKEN} is still recognised, only to refuse it with {@link
 * #TOKEN_REFUSED} (a usage error) rather than a "did you mean".
 */
final class PveOptions {
  /** The usage error for {@code --pve-token}. */
  static final String TOKEN_REFUSED =
      "--pve-token is not accepted: the secret would show in ps; put the token in a file (mode"
          + " 600) and give --pve-token-file FILE, or pipe it to --pve-token-file -";

  /** Standard input is never a token file of this size; a larger one is a mistake. */
  private static final int MAX_STDIN_TOKEN = 4096;

  /** The options in a synopsis (a command's {@code customSynopsis}). */
  static final String SYNOPSIS =
      "--pve-url URL --pve-token-file FILE|-%n"
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

  /** Refused ({@link #TOKEN_REFUSED}); hidden from the help. */
  @Option(names = "--pve-token", paramLabel = "TOKEN", hidden = true)
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

  /** Null when the options can be used together, else a one-line usage problem. */
  String problem() {
    if (token != null) {
      return TOKEN_REFUSED;
    }
    boolean any = tokenFile != null || fingerprint != null || caFile != null;
    if (url == null) {
      return any || insecure ? "--pve-* options need --pve-url" : null;
    }
    if (tokenFile == null) {
      return "--pve-url needs --pve-token-file FILE (or - for standard input)";
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
    if (token != null) {
      throw new PveException(TOKEN_REFUSED);
    }
    if (url == null) {
      throw new PveException("--pve-url is missing");
    }
    try {
      if (tokenFile == null) {
        throw new PveException("--pve-token-file is missing");
      }
      PveToken t =
          STDIN.equals(tokenFile)
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
    return "PveOptions[url=" + url + ", tokenFile=" + tokenFile + "]";
  }
}
