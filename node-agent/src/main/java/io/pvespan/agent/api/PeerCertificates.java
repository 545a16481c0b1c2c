package io.pvespan.agent.api;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The roles in pvespan certificates, as {@code ./pvespan certs} marks them (the controller's {@code
 * CertRole}; keep the two in step): the subject's single OU is {@value #AGENT} for a node agent,
 * whose single CN is its node name, or {@value #CONTROLLER} for the controller's client
 * certificate. A mark means something only on a certificate the TLS layer has already chained to
 * the pvespan CA.
 */
public final class PeerCertificates {
  public static final String AGENT = "pvespan-agent";
  public static final String CONTROLLER = "pvespan-controller";

  private PeerCertificates() {}

  /** The subject's OU when there is exactly one. */
  public static Optional<String> role(X509Certificate cert) {
    return attribute(cert, "OU");
  }

  /** The subject's CN when there is exactly one (an agent's node name). */
  public static Optional<String> commonName(X509Certificate cert) {
    return attribute(cert, "CN");
  }

  private static Optional<String> attribute(X509Certificate cert, String type) {
    try {
      var values =
          new LdapName(cert.getSubjectX500Principal().getName())
              .getRdns().stream()
                  .filter(r -> r.getType().equalsIgnoreCase(type))
                  .map(Rdn::getValue)
                  .map(String::valueOf)
                  .toList();
      return values.size() == 1 ? Optional.of(values.get(0)) : Optional.empty();
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }
}
