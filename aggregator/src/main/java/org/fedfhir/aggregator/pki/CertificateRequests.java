package org.fedfhir.aggregator.pki;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.fedfhir.access.NetworkIdentity;
import org.fedfhir.access.Role;

/**
 * PKCS#10 certification requests (RFC 2986) of the network: a party makes one with its own key
 * ({@code ./fedfhir pki request}), asking for its name (subject CN), its role (SAN URI
 * {@code urn:fedfhir:role:<role>}, {@link NetworkIdentity#ROLE_URI_PREFIX}) and its DNS names (SAN
 * dNSName); the CA reads them back with {@link #read} after checking the request's signature.
 */
public final class CertificateRequests {

  /** What a checked request asks for. */
  public record Requested(String name, Role role, List<String> dnsNames, PublicKey publicKey) {}

  private CertificateRequests() {}

  /** A request signed with {@code keys} (SHA256withECDSA) for {@code name} in {@code role}. */
  public static PKCS10CertificationRequest create(String name, Role role, Collection<String> dnsNames, KeyPair keys) {
    PartyName.require(name);
    requireCertificateRole(role.code());
    try {
      List<GeneralName> san = new ArrayList<>();
      san.add(new GeneralName(GeneralName.uniformResourceIdentifier, NetworkIdentity.roleUri(role)));
      for (String dns : dnsNames) {
        san.add(new GeneralName(GeneralName.dNSName, requireDnsName(dns)));
      }
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      extensions.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(san.toArray(GeneralName[]::new)));
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
      return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    } catch (java.io.IOException | OperatorCreationException e) {
      throw new PkiException("could not make a certificate request for '" + name + "'", e);
    }
  }

  /**
   * Checks the request and returns what it asks for.
   *
   * @throws PkiException if its signature does not verify with the key it carries (forged or
   *     altered), its name is not a party name, it asks for no role, an unknown role or two, or for a
   *     subject alternative name the network does not issue
   */
  public static Requested read(PKCS10CertificationRequest request) {
    PublicKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePublic(
          new X509EncodedKeySpec(request.getSubjectPublicKeyInfo().getEncoded()));
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new PkiException("the request does not carry an EC P-256 public key", e);
    }
    try {
      if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new PkiException("the request's signature does not verify with the key it carries: it is forged "
            + "or was altered after signing; refusing it");
      }
    } catch (OperatorCreationException | PKCSException e) {
      throw new PkiException("the request's signature cannot be checked: " + e.getMessage(), e);
    }
    String name = commonName(request.getSubject());
    String role = null;
    List<String> dns = new ArrayList<>();
    for (GeneralName n : subjectAltNames(request)) {
      if (n.getTagNo() == GeneralName.dNSName) {
        dns.add(requireDnsName(n.getName().toString()));
      } else if (n.getTagNo() == GeneralName.uniformResourceIdentifier
          && n.getName().toString().startsWith(NetworkIdentity.ROLE_URI_PREFIX)) {
        if (role != null) {
          throw new PkiException("the request asks for two roles; need exactly one");
        }
        role = n.getName().toString().substring(NetworkIdentity.ROLE_URI_PREFIX.length());
      } else {
        throw new PkiException("the request asks for a subject alternative name the network does not issue: "
            + n + "; only DNS names and one role URI " + NetworkIdentity.ROLE_URI_PREFIX + "<role>");
      }
    }
    if (role == null) {
      throw new PkiException("the request names no role (SAN URI " + NetworkIdentity.ROLE_URI_PREFIX
          + "<role>); need site, aggregator, tee or researcher");
    }
    Role r = requireCertificateRole(role);
    if (!PartyName.defaultRole(name).equals(r) && !PartyName.defaultRole(name).equals(Role.SITE)) {
      throw new PkiException("the name '" + name + "' is reserved for the " + PartyName.defaultRole(name).code()
          + "; the request asks for role " + r.code());
    }
    return new Requested(name, r, List.copyOf(dns), key);
  }

  private static Role requireCertificateRole(String code) {
    return Role.fromCode(code).filter(r -> r.isNetworkParty() || r == Role.RESEARCHER)
        .orElseThrow(() -> new PkiException("the request asks for role '" + code
            + "', which certificates do not carry; need site, aggregator, tee or researcher"));
  }

  private static String commonName(X500Name subject) {
    var cns = subject.getRDNs(BCStyle.CN);
    if (cns.length != 1 || cns[0].isMultiValued()) {
      throw new PkiException("the request's subject '" + subject + "' has " + cns.length
          + " common names; need exactly 1");
    }
    String cn = cns[0].getFirst().getValue().toString();
    try {
      return PartyName.require(cn);
    } catch (IllegalArgumentException e) {
      throw new PkiException("the request's name: " + e.getMessage(), e);
    }
  }

  private static GeneralName[] subjectAltNames(PKCS10CertificationRequest request) {
    var attributes = request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest);
    List<GeneralName> names = new ArrayList<>();
    for (var attribute : attributes) {
      for (ASN1Encodable value : attribute.getAttrValues()) {
        GeneralNames san = GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
        if (san != null) {
          names.addAll(List.of(san.getNames()));
        }
      }
    }
    return names.toArray(GeneralName[]::new);
  }

  static String requireDnsName(String dns) {
    if (dns == null || !dns.matches("[A-Za-z0-9.-]{1,253}")) {
      throw new IllegalArgumentException("DNS name '" + dns + "'; need letters, digits, '.', '-'");
    }
    return dns;
  }
}
