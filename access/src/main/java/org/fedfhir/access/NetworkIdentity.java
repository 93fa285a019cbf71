package org.fedfhir.access;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The identity a certificate of the network CA gives a party of the network: its name is the
 * certificate's CN, its role the subject-alternative-name URI {@value #ROLE_URI_PREFIX}{@code <role>}
 * ({@code site}, {@code aggregator}, {@code tee}, or {@code researcher} for a researcher's client
 * certificate). The TLS handshake has already checked the chain to the network CA (the only trust
 * anchor of a FedFHIR server's mutual TLS); this reads what the certificate says.
 *
 * <p>Certificates of {@code ./fedfhir pki sign} carry the role twice, as the SAN URI and as the subject
 * OU, both set by the CA from the role it checked. A certificate with no role URI is read by its OU
 * (certificates issued before the SAN role existed stay usable until they expire: the CA signed the OU
 * just as it signs the SAN); a certificate whose URI and OU disagree, or with two role URIs, names no
 * role and authenticates nobody.
 */
public final class NetworkIdentity {

  /** The SAN URI prefix that carries the role, e.g. {@code urn:fedfhir:role:site}. */
  public static final String ROLE_URI_PREFIX = "urn:fedfhir:role:";

  /** The subject attribute that carries the role in older certificates, and mirrors the SAN role in new ones. */
  public static final String ROLE_ATTRIBUTE = "OU";

  private static final int SAN_URI = 6;

  private NetworkIdentity() {}

  /** The SAN URI naming {@code role}. */
  public static String roleUri(Role role) {
    return ROLE_URI_PREFIX + role.code();
  }

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
    List<String> uriRoles;
    try {
      uriRoles = roleUris(certificate);
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (cn == null || uriRoles.size() > 1) {
      return Optional.empty();
    }
    String code;
    if (uriRoles.isEmpty()) {
      code = ou;
    } else {
      code = uriRoles.get(0);
      if (ou != null && !ou.equals(code)) {
        return Optional.empty();
      }
    }
    if (code == null) {
      return Optional.empty();
    }
    String name = cn;
    return Role.fromCode(code)
        .filter(r -> r.isNetworkParty() || r == Role.RESEARCHER)
        .map(role -> role == Role.RESEARCHER
            ? new Caller(Caller.Kind.NETWORK_PARTY, name, name, Set.of(role), Set.of(), Optional.empty())
            : Caller.networkParty(name, role));
  }

  private static List<String> roleUris(X509Certificate certificate) throws CertificateParsingException {
    List<String> roles = new ArrayList<>();
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names != null) {
      for (List<?> n : names) {
        if (n.size() == 2 && Integer.valueOf(SAN_URI).equals(n.get(0))
            && n.get(1) instanceof String uri && uri.startsWith(ROLE_URI_PREFIX)) {
          roles.add(uri.substring(ROLE_URI_PREFIX.length()));
        }
      }
    }
    return roles;
  }
}
