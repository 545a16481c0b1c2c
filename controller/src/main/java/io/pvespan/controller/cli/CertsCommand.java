package io.pvespan.controller.cli;

import io.pvespan.controller.certs.CertificateAuthority;
import io.pvespan.controller.certs.CertificateAuthority.KeyType;
import io.pvespan.controller.tls.Fingerprint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./pvespan certs init|issue}: the small CA for mutual TLS between the controller and the
 * agents ({@link CertificateAuthority}). Exit 0 with what was written on {@code out}, 1 with one
 * line (a file exists, no CA), 2 for usage errors.
 */
@picocli.CommandLine.Command(
    name = "certs",
    description = {
      "make the CA and certificates for mutual TLS (init, issue)",
      "",
      "A small CA in one directory: 'init' makes ca.crt/ca.key, 'issue --node NAME' an agent's"
          + " certificate (CN=NAME, OU=pvespan-agent), 'issue --controller' the controller's client"
          + " certificate (OU=pvespan-controller). Keys are PKCS#8 PEM, mode 0600; existing files"
          + " are never overwritten."
    },
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class})
public final class CertsCommand implements Command, Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: init or issue");
  }

  /** Options both subcommands take. */
  static final class KeyOptions {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        required = true,
        description = "the CA directory (ca.crt, ca.key, NAME.crt, NAME.key)")
    Path dir;

    @Option(
        names = "--key-type",
        paramLabel = "TYPE",
        defaultValue = "ec",
        description = "ec (P-256, default) or rsa (3072 bits)")
    String keyType;

    @Option(
        names = "--days",
        paramLabel = "DAYS",
        defaultValue = "3650",
        description = "validity in days (default 3650; a certificate never outlives its CA)")
    int days;

    KeyType type(CommandSpec spec) {
      return switch (keyType.toLowerCase(java.util.Locale.ROOT)) {
        case "ec" -> KeyType.EC_P256;
        case "rsa" -> KeyType.RSA_3072;
        default ->
            throw new ParameterException(
                spec.commandLine(), "--key-type '" + keyType + "' must be ec or rsa");
      };
    }

    Duration validity(CommandSpec spec) {
      if (days < 1 || days > 36_500) {
        throw new ParameterException(spec.commandLine(), "--days " + days + " is outside 1..36500");
      }
      return Duration.ofDays(days);
    }
  }

  @picocli.CommandLine.Command(
      name = "init",
      description = {"make a new CA: DIR/ca.crt and DIR/ca.key (0600)"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HelpOption help;
    @Mixin KeyOptions keys;

    @Override
    public Integer call() {
      KeyType type = keys.type(spec);
      Duration validity = keys.validity(spec);
      return write(
          spec,
          () -> new CertificateAuthority(keys.dir).init(type, validity),
          keys.dir.resolve(CertificateAuthority.CA_CERT),
          keys.dir.resolve(CertificateAuthority.CA_KEY));
    }
  }

  @picocli.CommandLine.Command(
      name = "issue",
      description = {
        "issue an agent's certificate (--node NAME) or the controller's (--controller),"
            + " signed by DIR/ca.key"
      })
  static final class Issue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin HelpOption help;
    @Mixin KeyOptions keys;

    @ArgGroup(multiplicity = "1")
    Who who;

    static final class Who {
      @Option(
          names = "--node",
          paramLabel = "NAME",
          description = "the node's name as in the cluster (and the agent's --node)")
      String node;

      @Option(
          names = "--controller",
          description = "the controller's client certificate (DIR/controller.crt)")
      boolean controller;
    }

    @Option(
        names = "--ip",
        paramLabel = "IP",
        split = ",",
        description = "with --node: also valid for this address (repeat or comma-separate)")
    List<String> ips = new ArrayList<>();

    @Option(
        names = "--dns",
        paramLabel = "NAME",
        split = ",",
        description = "with --node: also valid for this DNS name (repeat or comma-separate)")
    List<String> dns = new ArrayList<>();

    @Override
    public Integer call() {
      KeyType type = keys.type(spec);
      Duration validity = keys.validity(spec);
      CertificateAuthority ca = new CertificateAuthority(keys.dir);
      if (who.controller) {
        if (!ips.isEmpty() || !dns.isEmpty()) {
          throw new ParameterException(spec.commandLine(), "--ip and --dns go with --node");
        }
        return write(
            spec,
            () -> ca.issueController(type, validity),
            keys.dir.resolve("controller.crt"),
            keys.dir.resolve("controller.key"));
      }
      return write(
          spec,
          () -> ca.issueAgent(who.node, ips, dns, type, validity),
          keys.dir.resolve(who.node + ".crt"),
          keys.dir.resolve(who.node + ".key"));
    }
  }

  private interface Issuing {
    X509Certificate run() throws IOException;
  }

  private static int write(CommandSpec spec, Issuing issuing, Path cert, Path key) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    X509Certificate c;
    try {
      c = issuing.run();
    } catch (IOException | IllegalArgumentException e) {
      err.println("pvespan certs " + spec.name() + ": " + e.getMessage());
      return 1;
    }
    out.println("wrote " + cert + " (" + c.getSubjectX500Principal().getName() + ")");
    out.println("wrote " + key + " (mode 0600)");
    out.println("valid until " + c.getNotAfter().toInstant() + "; SHA-256 " + Fingerprint.of(c));
    return 0;
  }
}
