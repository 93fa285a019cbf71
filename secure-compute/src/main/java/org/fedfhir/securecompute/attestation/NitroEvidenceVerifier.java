package org.fedfhir.securecompute.attestation;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies AWS Nitro Enclaves attestation documents as the AWS Nitro Enclaves User Guide
 * ("Verifying the root of trust") prescribes: syntax of the COSE_Sign1 (RFC 9052 §4.2) and of the
 * payload; {@code cabundle[0]} is the configured root and the chain root → intermediates → leaf
 * validates (PKIX, at the verification time); the COSE signature (ES384: ECDSA P-384 with SHA-384
 * over the {@code Sig_structure}, r‖s encoding) verifies with the leaf's key. Measurement = PCR0.
 */
final class NitroEvidenceVerifier {

  record Result(Measurement measurement, Map<Integer, byte[]> pcrs, byte[] nonce, Instant timestamp,
      byte[] publicKey, byte[] userData, Instant certificateNotAfter) {}

  private NitroEvidenceVerifier() {}

  static Result verify(byte[] document, X509Certificate root, Instant now) throws AttestationException {
    CoseSign1 cose = CoseSign1.parse(document);
    if (cose.algorithm() != CoseSign1.ES384) {
      throw new MalformedEvidenceException("Nitro document algorithm " + cose.algorithm() + "; need -35 (ES384)");
    }
    NitroDocument doc = NitroDocument.parse(cose.payload());
    X509Certificate leaf = verifyChain(doc, root, now);
    verifySignature(cose, leaf.getPublicKey());
    byte[] pcr0 = doc.pcrs().get(0);
    if (pcr0 == null || pcr0.length != Measurement.BYTES) {
      throw new MalformedEvidenceException("Nitro document has no 48-byte PCR0");
    }
    if (doc.publicKey() == null || doc.nonce() == null) {
      throw new MalformedEvidenceException("Nitro document lacks public_key or nonce, both required here");
    }
    return new Result(Measurement.of(pcr0), doc.pcrs(), doc.nonce(), doc.timestamp(), doc.publicKey(),
        doc.userData(), leaf.getNotAfter().toInstant());
  }

  private static X509Certificate verifyChain(NitroDocument doc, X509Certificate root, Instant now)
      throws AttestationException {
    List<X509Certificate> bundle = new ArrayList<>();
    X509Certificate leaf;
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] der : doc.cabundle()) {
        bundle.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
      }
      leaf = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(doc.certificate()));
    } catch (CertificateException | ClassCastException e) {
      throw new MalformedEvidenceException("Nitro certificate or cabundle entry is not X.509 DER: " + e.getMessage());
    }
    byte[] bundleRoot;
    byte[] configuredRoot;
    try {
      bundleRoot = bundle.get(0).getEncoded();
      configuredRoot = root.getEncoded();
    } catch (CertificateException e) {
      throw new MalformedEvidenceException("cannot encode root certificate: " + e.getMessage());
    }
    if (!Arrays.equals(bundleRoot, configuredRoot)) {
      throw new UntrustedCertificateChainException("the document's root certificate ("
          + bundle.get(0).getSubjectX500Principal().getName() + ") is not the configured Nitro root ("
          + root.getSubjectX500Principal().getName() + ")");
    }
    if (!(leaf.getPublicKey() instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 384) {
      throw new UntrustedCertificateChainException("the signing certificate's key is not ECDSA P-384");
    }
    // Path for PKIX: leaf first, then intermediates from the one nearest the leaf up; the root is the anchor.
    List<X509Certificate> path = new ArrayList<>();
    path.add(leaf);
    for (int i = bundle.size() - 1; i >= 1; i--) {
      path.add(bundle.get(i));
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath certPath = cf.generateCertPath(path);
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      String why = e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
          ? "a certificate in the chain has expired"
          : e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID
              ? "a certificate in the chain is not yet valid"
              : "the chain does not validate to the configured root";
      throw new UntrustedCertificateChainException(why + " (" + e.getMessage() + ")");
    } catch (InvalidAlgorithmParameterException | CertificateException | java.security.NoSuchAlgorithmException e) {
      throw new UntrustedCertificateChainException("the chain cannot be validated: " + e.getMessage());
    }
    return leaf;
  }

  private static void verifySignature(CoseSign1 cose, PublicKey key) throws AttestationException {
    if (cose.signature().length != 96) {
      throw new InvalidEvidenceSignatureException("ES384 signature must be 96 bytes (r‖s), got "
          + cose.signature().length);
    }
    boolean ok;
    try {
      Signature verifier = Signature.getInstance("SHA384withECDSAinP1363Format");
      verifier.initVerify(key);
      verifier.update(cose.toBeSigned());
      ok = verifier.verify(cose.signature());
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new InvalidEvidenceSignatureException(
          "the Nitro document's COSE signature does not verify with its certificate: the document was altered");
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
