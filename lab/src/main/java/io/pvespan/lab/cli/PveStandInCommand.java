package io.pvespan.lab.cli;

import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.lab.standin.ProxmoxStandIn;
import io.pvespan.lab.standin.StandInToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan pve-standin --inventory FILE --listen HOST:PORT --token-file FILE [--tls]
 * [--fingerprint-file FILE] [--latency-ms N] [--auth-delay-ms N]}: serves a STAND-IN for the
 * Proxmox API (for the lab and the demo; see {@link ProxmoxStandIn} for its API and admin
 * endpoints) until killed. Prints its URL on stdout once it listens; with {@code --tls} it serves a
 * fresh self-signed certificate and prints (and writes) its SHA-256 fingerprint.
 */
@Command(
    name = "pve-standin",
    description = {
      "(lab) serve a Proxmox API stand-in",
      "",
      "Serves a STAND-IN for the Proxmox API (for the lab and the demo; not Proxmox) until killed."
          + " Prints its URL on stdout once it listens; with --tls also the SHA-256 fingerprint of"
          + " its fresh self-signed certificate."
    })
final class PveStandInCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean help;

  @Option(
      names = "--inventory",
      paramLabel = "FILE",
      required = true,
      description = "the cluster to serve: an inventory file (./pvespan inventory's format)")
  Path inventory;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      required = true,
      description = "where to listen (port 0 picks a free one)")
  String listen;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      required = true,
      description = "the one API token accepted, USER@REALM!TOKENID=SECRET (mode 600)")
  Path tokenFile;

  @Option(names = "--tls", description = "serve https with a fresh self-signed certificate")
  boolean tls;

  @Option(
      names = "--fingerprint-file",
      paramLabel = "FILE",
      description = "with --tls: also write the certificate's SHA-256 fingerprint here")
  Path fingerprintFile;

  @Option(
      names = "--latency-ms",
      paramLabel = "N",
      defaultValue = "0",
      description = "delay every answer by N ms (default ${DEFAULT-VALUE})")
  long latencyMs;

  @Option(
      names = "--auth-delay-ms",
      paramLabel = "N",
      defaultValue = "3000",
      description =
          "delay an answer to a wrong token by N ms, as pveproxy does (default ${DEFAULT-VALUE})")
  long authDelayMs;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int colon = listen.lastIndexOf(':');
    if (colon < 1) {
      throw new ParameterException(spec.commandLine(), "--listen takes HOST:PORT");
    }
    if (fingerprintFile != null && !tls) {
      throw new ParameterException(spec.commandLine(), "--fingerprint-file needs --tls");
    }
    try {
      Inventory inv = InventoryJson.read(inventory);
      StandInToken token = StandInToken.fromFile(tokenFile);
      var builder =
          ProxmoxStandIn.builder(inv, token)
              .bind(
                  new InetSocketAddress(
                      listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1))))
              .latency(Duration.ofMillis(latencyMs))
              .authFailureDelay(Duration.ofMillis(authDelayMs));
      String fingerprint = null;
      if (tls) {
        HeldCertificate cert =
            new HeldCertificate.Builder()
                .commonName("pvespan Proxmox stand-in")
                .addSubjectAlternativeName(listen.substring(0, colon))
                .addSubjectAlternativeName("localhost")
                .build();
        builder.https(
            new HandshakeCertificates.Builder().heldCertificate(cert).build().sslContext());
        fingerprint = fingerprint(cert.certificate());
        if (fingerprintFile != null) {
          Files.writeString(fingerprintFile, fingerprint + "\n");
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
      throw new ParameterException(
          spec.commandLine(), "--listen '" + listen + "': the port is not a number");
    } catch (InventoryJson.InvalidInventoryException | IllegalArgumentException e) {
      err.println("pvespan pve-standin: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("pvespan pve-standin: cannot listen on " + listen + ": " + e.getMessage());
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
