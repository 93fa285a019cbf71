package org.fedfhir.securecompute.attestation;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test stand-in for AWS's Nitro attestation PKI: a P-384 root → intermediate → leaf chain, and
 * documents in the AWS Nitro Enclaves attestation document format (COSE_Sign1, ES384) signed by the
 * leaf. Nothing here is used by production code.
 */
final class NitroTestAuthority {

  final X509Certificate root;
  final X509Certificate intermediate;
  final X509Certificate leaf;
  private final PrivateKey leafKey;

  private NitroTestAuthority(X509Certificate root, X509Certificate intermediate, X509Certificate leaf, PrivateKey leafKey) {
    this.root = root;
    this.intermediate = intermediate;
    this.leaf = leaf;
    this.leafKey = leafKey;
  }

  /** A chain whose certificates are valid from {@code notBefore} to {@code notAfter}. */
  static NitroTestAuthority create(String rootName, Instant notBefore, Instant notAfter) throws Exception {
    KeyPair rootKeys = p384();
    KeyPair intermediateKeys = p384();
    KeyPair leafKeys = p384();
    X509Certificate root = certificate("CN=" + rootName, rootKeys.getPublic(), "CN=" + rootName, rootKeys.getPrivate(),
        true, notBefore, notAfter);
    X509Certificate intermediate = certificate("CN=test-nitro-intermediate", intermediateKeys.getPublic(),
        "CN=" + rootName, rootKeys.getPrivate(), true, notBefore, notAfter);
    X509Certificate leaf = certificate("CN=i-0test.us-east-1.aws.nitro-enclaves", leafKeys.getPublic(),
        "CN=test-nitro-intermediate", intermediateKeys.getPrivate(), false, notBefore, notAfter);
    return new NitroTestAuthority(root, intermediate, leaf, leafKeys.getPrivate());
  }

  static NitroTestAuthority create(String rootName) throws Exception {
    Instant now = Instant.now();
    return create(rootName, now.minusSeconds(3600), now.plusSeconds(3 * 3600));
  }

  /** The payload fields of an attestation document; tests change one and sign. */
  Map<String, Object> payload(byte[] pcr0, byte[] nonce, byte[] publicKey, Instant timestamp) throws Exception {
    Map<Long, Object> pcrs = new TreeMap<>();
    pcrs.put(0L, pcr0);
    pcrs.put(1L, new byte[48]);
    pcrs.put(2L, new byte[48]);
    pcrs.put(8L, new byte[48]);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("module_id", "i-0test-enc0123456789abcdef");
    p.put("digest", "SHA384");
    p.put("timestamp", timestamp.toEpochMilli());
    p.put("pcrs", pcrs);
    p.put("certificate", leaf.getEncoded());
    List<Object> bundle = new ArrayList<>();
    bundle.add(root.getEncoded());
    bundle.add(intermediate.getEncoded());
    p.put("cabundle", bundle);
    p.put("public_key", publicKey);
    p.put("user_data", null);
    p.put("nonce", nonce);
    return p;
  }

  /** Signs {@code payload} as a COSE_Sign1 document with the leaf key (ES384, r‖s). */
  byte[] sign(Map<String, Object> payload) throws Exception {
    byte[] payloadBytes = Cbor.encode(payload);
    byte[] protectedHeader = CoseSign1.protectedHeaderFor(CoseSign1.ES384);
    Signature signer = Signature.getInstance("SHA384withECDSAinP1363Format");
    signer.initSign(leafKey);
    signer.update(CoseSign1.sigStructure(protectedHeader, payloadBytes));
    return new CoseSign1(protectedHeader, CoseSign1.ES384, payloadBytes, signer.sign()).encode();
  }

  private static KeyPair p384() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, PublicKey subjectKey, String issuer, PrivateKey issuerKey,
      boolean ca, Instant notBefore, Instant notAfter) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), new X500Name(subject), subjectKey);
    b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(1) : new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuerKey)));
  }
}
