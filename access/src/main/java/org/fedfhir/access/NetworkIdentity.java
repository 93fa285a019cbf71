package org.fedfhir.access;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The identity a certificate of the network CA gives a party of the network: its name is the
 * certificate's CN, its role the OU ({@code site}, {@code aggregator}, {@code tee}, or
 * {@code researcher} for a researcher's client certificate). The TLS handshake has already checked
 * the chain to the network CA (the only trust anchor of a FedFHIR server's mutual TLS); this reads
 * what the certificate says.
 */
public final class NetworkIdentity {

  /** The subject attribute that carries the role. */
  public static final String ROLE_ATTRIBUTE = "OU";

  private NetworkIdentity() {}

  /**
   * The caller the certificate names, or empty if it names no role FedFHIR knows (an old
   * certificate without a role authenticates nobody).
   */
  public static Optional<Caller> of(X509Certificate certificate) {
    String cn = null;
    String ou = null;
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          cn = rdn.getValue().toString();
        } else if (ROLE_ATTRIBUTE.equalsIgnoreCase(rdn.getType())) {
          ou = rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    if (cn == null || ou == null) {
      return Optional.empty();
    }
    String name = cn;
    return Role.fromCode(ou)
        .filter(r -> r.isNetworkParty() || r == Role.RESEARCHER)
        .map(role -> role == Role.RESEARCHER
            ? new Caller(Caller.Kind.NETWORK_PARTY, name, name, java.util.Set.of(role), java.util.Set.of(),
                Optional.empty())
            : Caller.networkParty(name, role));
  }
}
