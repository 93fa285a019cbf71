package org.fedfhir.federation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Binds a site's per-session Ed25519 signing key to its network certificate, so that the
 * aggregator, which forwards the participants' keys in every {@code RoundStart}, cannot substitute
 * a key of its own for a site's (the active adversary of Bonawitz et al. 2017, §6: with the keys
 * authenticated by the PKI, a malicious aggregator cannot impersonate sites to learn an input).
 *
 * <p>The site signs, with the private key of its mutual-TLS certificate (ECDSA P-256 from the
 * network CA), the message {@code "fedfhir/session-key/v1" ‖ study url ‖ study version ‖
 * definition digest ‖ Ed25519 public key} (each length-prefixed), and sends certificate and
 * signature in its {@code Join}; every other site checks, before it takes part in a round, that each
 * participant's certificate was issued by the network CA, is valid now, names the participant (CN),
 * is a site's (role {@value #SITE_ROLE} in the OU, as {@code ./fedfhir pki} issues it: never the
 * aggregator's, so that the aggregator cannot join a round as a participant of its own), and signed
 * that participant's key for this study.
 */
public final class SessionKeyEndorsement {

  private static final byte[] CONTEXT = "fedfhir/session-key/v1".getBytes(StandardCharsets.US_ASCII);
  private static final String ALGORITHM = "SHA256withECDSA";
  /** The role (subject OU) a participant's certificate must carry. */
  public static final String SITE_ROLE = "site";

  /** A site's certificate (DER) and its signature over the endorsed key. */
  public record Endorsement(byte[] certificate, byte[] signature) {
    public Endorsement {
      certificate = certificate.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] certificate() {
      return certificate.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** What an endorsement is about: a site's key for one study definition. */
  public record Subject(String studyUrl, String studyVersion, byte[] definitionDigest, byte[] signingKey) {
    public Subject {
      Objects.requireNonNull(studyUrl, "studyUrl");
      Objects.requireNonNull(studyVersion, "studyVersion");
      definitionDigest = definitionDigest.clone();
      signingKey = signingKey.clone();
    }

    byte[] message() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] part : new byte[][] {CONTEXT, studyUrl.getBytes(StandardCharsets.UTF_8),
          studyVersion.getBytes(StandardCharsets.UTF_8), definitionDigest, signingKey}) {
        out.write(part.length >>> 24);
        out.write(part.length >>> 16);
        out.write(part.length >>> 8);
        out.write(part.length);
        out.writeBytes(part);
      }
      return out.toByteArray();
    }
  }

  /** A participant's key is not endorsed by the network; the message says why, never a key. */
  public static class RefusedException extends Exception {
    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * A participant's certificate is the network's but not a site's (the aggregator's, the TEE's, a
   * researcher's): a round with such a participant is a Sybil round, where the aggregator holds
   * the other half of the sum.
   */
  public static final class NotASiteException extends RefusedException {
    NotASiteException(String message) {
      super(message);
    }
  }

  /**
   * A participant's certificate is the network's and names the site, but its key is not the one
   * this site pinned for that name: the network operator (or whoever holds the CA key) issued a
   * second certificate in the site's name. A round with such a participant is refused.
   */
  public static final class UnpinnedKeyException extends RefusedException {
    UnpinnedKeyException(String message) {
      super(message);
    }
  }

  private SessionKeyEndorsement() {}

  /** The hex SHA-256 of {@code certificate}'s SubjectPublicKeyInfo (DER): what a site pins for a peer. */
  public static String spkiSha256(X509Certificate certificate) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(certificate.getPublicKey().getEncoded()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** The site's side: its certificate and the private key of its mutual-TLS identity. */
  public static final class Signer {
    private final X509Certificate certificate;
    private final PrivateKey key;

    public Signer(X509Certificate certificate, PrivateKey key) {
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      this.key = Objects.requireNonNull(key, "key");
    }

    /** From the PEM files {@code ./fedfhir pki init} writes (certificate, PKCS#8 EC key). */
    public static Signer fromPem(Path certificate, Path privateKey) {
      return new Signer(certificate(certificate), privateKey(privateKey));
    }

    /** The pin of this site's certificate key ({@link SessionKeyEndorsement#spkiSha256}), for its peers' policy. */
    public String spkiSha256() {
      return SessionKeyEndorsement.spkiSha256(certificate);
    }

    /** Signs {@code subject}. */
    public Endorsement endorse(Subject subject) {
      try {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(key);
        s.update(subject.message());
        return new Endorsement(certificate.getEncoded(), s.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot sign the session key with the site's certificate key", e);
      }
    }
  }

  /** The peers' side: the network CA every participant's certificate must chain to. */
  public static final class Verifier {
    private final X509Certificate ca;
    private final java.util.Map<String, String> pins;

    public Verifier(X509Certificate ca) {
      this(ca, java.util.Map.of());
    }

    private Verifier(X509Certificate ca, java.util.Map<String, String> pins) {
      this.ca = Objects.requireNonNull(ca, "ca");
      this.pins = pins;
    }

    /**
     * This verifier, also requiring each participant's certificate key to be the one the site's
     * policy pins for its name ({@code site → hex SHA-256 of the SubjectPublicKeyInfo},
     * {@link SessionKeyEndorsement#spkiSha256}): a certificate the CA issued in a site's name with
     * another key is then refused, and so is a participant the pins do not name. Empty: no pinning.
     *
     * @throws IllegalArgumentException naming a pin that is not 64 hex digits
     */
    public Verifier pinning(java.util.Map<String, String> spkiSha256) {
      java.util.Map<String, String> checked = new java.util.TreeMap<>();
      spkiSha256.forEach((site, pin) -> {
        if (site == null || site.isBlank() || pin == null || !pin.matches("[0-9a-fA-F]{64}")) {
          throw new IllegalArgumentException("pin '" + site + "=" + pin + "': need a site name and the 64 hex "
              + "digits of its certificate key's SHA-256 (SubjectPublicKeyInfo)");
        }
        checked.put(site, pin.toLowerCase(java.util.Locale.ROOT));
      });
      return new Verifier(ca, java.util.Map.copyOf(checked));
    }

    /** From the network CA's PEM certificate. */
    public static Verifier fromPem(Path ca) {
      return new Verifier(certificate(ca));
    }

    /**
     * Checks that {@code endorsement} was made by {@code site}'s network certificate over
     * {@code subject}.
     *
     * @throws RefusedException naming the site and what failed
     */
    public void verify(String site, Subject subject, Endorsement endorsement) throws RefusedException {
      if (endorsement == null || endorsement.certificate.length == 0 || endorsement.signature.length == 0) {
        throw new RefusedException("participant '" + site + "' sent no certificate endorsing its session key");
      }
      X509Certificate cert;
      try {
        cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(endorsement.certificate));
      } catch (CertificateException e) {
        throw new RefusedException("participant '" + site + "' sent a certificate that does not parse");
      }
      try {
        cert.verify(ca.getPublicKey());
        cert.checkValidity();
      } catch (GeneralSecurityException e) {
        throw new RefusedException("participant '" + site + "' has a certificate not issued by the network CA "
            + "or not valid now");
      }
      String cn = attribute(cert, "CN");
      if (!site.equals(cn)) {
        throw new RefusedException("participant '" + site + "' presented the certificate of '" + cn + "'");
      }
      String role = attribute(cert, "OU");
      if (!SITE_ROLE.equals(role)) {
        throw new NotASiteException("participant '" + site + "' holds a certificate in role '" + role
            + "', not a site's");
      }
      if (!pins.isEmpty() && !spkiSha256(cert).equals(pins.get(site))) {
        throw new UnpinnedKeyException(pins.containsKey(site)
            ? "participant '" + site + "' presented a certificate of the network CA whose key is not the one this "
                + "site pinned for it"
            : "participant '" + site + "' is not among the sites this site pinned");
      }
      try {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initVerify(cert.getPublicKey());
        s.update(subject.message());
        if (!s.verify(endorsement.signature)) {
          throw new RefusedException("participant '" + site + "': its certificate did not sign this session key "
              + "for this study");
        }
      } catch (GeneralSecurityException e) {
        throw new RefusedException("participant '" + site + "': the endorsement does not verify");
      }
    }
  }

  /** The subject's {@code type} attribute (CN, OU), or "" if it has none. */
  private static String attribute(X509Certificate cert, String type) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase(type)) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // fall through: no such attribute
    }
    return "";
  }

  static X509Certificate certificate(Path pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pem, e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException(pem + " is not an X.509 certificate in PEM", e);
    }
  }

  static PrivateKey privateKey(Path pem) {
    try {
      String text = Files.readString(pem, StandardCharsets.US_ASCII);
      int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
      int end = text.indexOf("-----END PRIVATE KEY-----");
      if (begin < 0 || end < begin) {
        throw new IllegalArgumentException(pem + " is not an unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
      }
      byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(pem + " does not hold an EC private key", e);
    }
  }
}
