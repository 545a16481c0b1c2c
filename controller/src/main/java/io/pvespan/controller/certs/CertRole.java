package io.pvespan.controller.certs;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a pvespan certificate may do, marked by its subject's organizational unit: {@code
 * OU=pvespan-agent} (a node agent; the subject's {@code CN} is the node's name) or {@code
 * OU=pvespan-controller} (the controller's client certificate). The mark is as trustworthy as the
 * CA that signed it: only {@code ./pvespan certs issue} (or an admin with the CA key) writes it.
 * The node agent checks the same two values (its {@code PeerCertificates}); keep them in step.
 */
public enum CertRole {
  AGENT("pvespan-agent"),
  CONTROLLER("pvespan-controller");

  private final String unit;

  CertRole(String unit) {
    this.unit = unit;
  }

  /** The subject OU that marks this role. */
  public String unit() {
    return unit;
  }

  /** Whether {@code cert}'s subject has exactly one OU and it is this role's. */
  public boolean marks(X509Certificate cert) {
    return attribute(cert, "OU").filter(unit::equals).isPresent();
  }

  /** The subject's CN when there is exactly one (for an agent: its node name). */
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
