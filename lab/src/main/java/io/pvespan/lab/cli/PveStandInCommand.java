package io.pvespan.lab.cli;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * {@code ./pvespan pve-standin --inventory FILE --listen HOST:PORT --token-file FILE [--tls]
 * [--fingerprint-file FILE] [--latency-ms N] [--auth-delay-ms N]}: serves a STAND-IN for the
 * Proxmox API (for the lab and the demo; see {@link ProxmoxStandIn} for its API and admin
 * endpoints) until killed. Prints its URL on stdout once it listens; with {@code --tls} it serves a
 * fresh self-signed certificate and prints (and writes) its SHA-256 fingerprint.
 */
final class PveStandInCommand implements Command {
  private static final String USAGE =
      "usage: ./pvespan pve-standin --inventory FILE --listen HOST:PORT --token-file FILE"
          + " [--tls [--fingerprint-file FILE]] [--latency-ms N] [--auth-delay-ms N]";

  @Override
  public String name() {
    return "pve-standin";
  }

  @Override
  public String summary() {
    return "(lab) serve a Proxmox API stand-in";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return 0;
      }
      if (a.equals("--tls")) {
        opts.put(a, "");
      } else if (List.of(
                  "--inventory",
                  "--listen",
                  "--token-file",
                  "--fingerprint-file",
                  "--latency-ms",
                  "--auth-delay-ms")
              .contains(a)
          && i + 1 < args.size()) {
        opts.put(a, args.get(++i));
      } else {
        err.println("pvespan pve-standin: unexpected argument " + a);
        err.println(USAGE);
        return 2;
      }
    }
    for (String required : List.of("--inventory", "--listen", "--token-file")) {
      if (!opts.containsKey(required)) {
        err.println("pvespan pve-standin: " + required + " is required");
        err.println(USAGE);
        return 2;
      }
    }
    try {
      Inventory inventory = InventoryJson.read(Path.of(opts.get("--inventory")));
      StandInToken token = StandInToken.fromFile(Path.of(opts.get("--token-file")));
      String listen = opts.get("--listen");
      int colon = listen.lastIndexOf(':');
      if (colon < 1) {
        err.println("pvespan pve-standin: --listen takes HOST:PORT");
        return 2;
      }
      var builder =
          ProxmoxStandIn.builder(inventory, token)
              .bind(
                  new InetSocketAddress(
                      listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))))
              .latency(Duration.ofMillis(Long.parseLong(opts.getOrDefault("--latency-ms", "0"))))
              .authFailureDelay(
                  Duration.ofMillis(Long.parseLong(opts.getOrDefault("--auth-delay-ms", "3000"))));
      String fingerprint = null;
      if (opts.containsKey("--tls")) {
        HeldCertificate cert =
            new HeldCertificate.Builder()
                .commonName("pvespan Proxmox stand-in")
                .addSubjectAlternativeName(listen.substring(0, colon))
                .addSubjectAlternativeName("localhost")
                .build();
        builder.https(
            new HandshakeCertificates.Builder().heldCertificate(cert).build().sslContext());
        fingerprint = fingerprint(cert.certificate());
        if (opts.containsKey("--fingerprint-file")) {
          Files.writeString(Path.of(opts.get("--fingerprint-file")), fingerprint + "\n");
        }
      }
      try (ProxmoxStandIn standIn = builder.start()) {
        err.println(
            "pvespan pve-standin: serving a Proxmox API STAND-IN (not Proxmox) at "
                + standIn.url());
        out.println(standIn.url());
        if (fingerprint != null) {
          out.println("fingerprint " + fingerprint);
        }
        out.flush();
        new CountDownLatch(1).await();
      }
      return 0;
    } catch (NumberFormatException e) {
      err.println("pvespan pve-standin: not a number: " + e.getMessage());
      return 2;
    } catch (InventoryJson.InvalidInventoryException | IllegalArgumentException e) {
      err.println("pvespan pve-standin: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println(
          "pvespan pve-standin: cannot listen on " + opts.get("--listen") + ": " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /**
   * The certificate's SHA-256 fingerprint as Proxmox shows it ({@code AA:BB:...}), the form the
   * controller's {@code fingerprint} setting takes.
   */
  static String fingerprint(X509Certificate cert) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }
}
