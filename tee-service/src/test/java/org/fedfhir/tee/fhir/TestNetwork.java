package org.fedfhir.tee.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.tee.client.MutualTlsClients;

/**
 * A network CA and certificates for the TEE tests (the project's CA lives in the aggregator, which
 * depends on this module): the TEE's server certificate and parties' client certificates whose OU is
 * their role, as {@code ./fedfhir pki} issues them.
 */
final class TestNetwork {

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  TestNetwork(Path dir) {
    this.dir = dir;
    try {
      caKeys = keys();
      ca = certificate("CN=test network CA", caKeys, "CN=test network CA", caKeys, true);
      write(dir.resolve("ca.pem"), ca);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The TEE's TLS: its certificate (CN tee, OU tee), client certificates of this CA required. */
  TlsSettings teeTls() {
    issue("tee", "tee");
    return new TlsSettings(dir.resolve("tee-cert.pem"), dir.resolve("tee-key.pem"), dir.resolve("ca.pem"),
        TlsSettings.ClientAuth.NEED);
  }

  /** A FHIR client of {@code baseUrl} presenting a certificate of {@code name} in {@code role}. */
  IGenericClient client(String name, String role, String baseUrl) {
    issue(name, role);
    FhirContext ctx = MutualTlsClients.presenting(FhirContext.forR4(), dir.resolve(name + "-cert.pem"),
        dir.resolve(name + "-key.pem"), dir.resolve("ca.pem"));
    ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    return ctx.newRestfulGenericClient(baseUrl);
  }

  Path file(String name) {
    return dir.resolve(name);
  }

  void issue(String name, String role) {
    issueNamed(name, "CN=" + name + ",OU=" + role + ",O=FedFHIR network");
  }

  /** A certificate of this CA with exactly this subject (e.g. one naming no role). */
  void issueNamed(String name, String subject) {
    try {
      KeyPair keys = keys();
      write(dir.resolve(name + "-cert.pem"), certificate(subject, keys, "CN=test network CA", caKeys, false));
      write(dir.resolve(name + "-key.pem"), keys.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, KeyPair keys, String issuer, KeyPair issuerKeys,
      boolean isCa) throws Exception {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        new BigInteger(64, new SecureRandom()), Date.from(now.minusSeconds(300)), Date.from(now.plusSeconds(86_400)),
        new X500Name(subject), keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (!isCa) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }

  private static void write(Path file, Object pem) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(pem instanceof java.security.PrivateKey k
          ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : pem);
      w.flush();
      Files.writeString(file, out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
