package io.pvespan.lab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvespan.inventory.InventoryJson;
import io.pvespan.lab.standin.StandInFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's entry: {@code ./pvespan pve-standin ...} serves, prints its URL, obeys the admin API.
 */
class PveStandInCommandTest {
  static final String TOKEN = "pvespan@pve!controller=0a1b2c3d-1111-2222-3333-444455556666";

  @TempDir Path dir;

  @Test
  void servesOverTlsPrintsUrlAndFingerprintAndTakesAdminCalls() throws Exception {
    Path inv = dir.resolve("cluster.json");
    Files.writeString(inv, InventoryJson.write(StandInFixture.cluster()));
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Path fp = dir.resolve("fingerprint");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicInteger code = new AtomicInteger(-1);
    Thread server =
        new Thread(
            () ->
                code.set(
                    Main.run(
                        List.of(
                            "pve-standin",
                            "--inventory",
                            inv.toString(),
                            "--listen",
                            "127.0.0.1:0",
                            "--token-file",
                            token.toString(),
                            "--tls",
                            "--fingerprint-file",
                            fp.toString(),
                            "--auth-delay-ms",
                            "0"),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8))));
    server.start();
    try {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!out.toString().contains("fingerprint") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<String> lines = out.toString().lines().toList();
      assertThat(lines.get(0)).startsWith("https://127.0.0.1:");
      assertThat(lines.get(1)).isEqualTo("fingerprint " + Files.readString(fp).strip());
      assertThat(err.toString()).contains("STAND-IN");
      String url = lines.get(0);

      assertThat(getOverTls(url + "/api2/json/cluster/resources", Files.readString(fp).strip()))
          .contains("\"vmid\":101");
    } finally {
      server.interrupt();
      server.join(10_000);
    }
    assertThat(code.get()).isZero();
  }

  @Test
  void missingOptionsAreUsageErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of("pve-standin", "--listen", "127.0.0.1:0"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("pvespan pve-standin: --inventory is required");
  }

  /**
   * {@code GET url} with the token, over TLS to a server whose certificate must have {@code
   * fingerprint} (as the controller pins it); its body.
   */
  private static String getOverTls(String url, String fingerprint) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {new PinnedTrust(fingerprint)}, null);
    HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
    c.setSSLSocketFactory(ssl.getSocketFactory());
    c.setRequestProperty("Authorization", "PVEAPIToken=" + TOKEN);
    assertThat(c.getResponseCode()).isEqualTo(200);
    try (var in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Trusts exactly the certificate with the printed fingerprint. */
  private record PinnedTrust(String fingerprint) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (!PveStandInCommand.fingerprint(chain[0]).equals(fingerprint)) {
        throw new CertificateException("not the printed fingerprint");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
