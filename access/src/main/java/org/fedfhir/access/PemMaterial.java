package org.fedfhir.access;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

/** Reads PEM certificates and keys (Bouncy Castle's parser) into JCA objects and in-memory key stores. */
public final class PemMaterial {

  private PemMaterial() {}

  /** The certificates in a PEM file, in file order. */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
      Object o;
      while ((o = p.readObject()) != null) {
        if (o instanceof X509CertificateHolder h) {
          out.add(new JcaX509CertificateConverter().getCertificate(h));
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read certificates from " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no PEM certificate");
    }
    return out;
  }

  /** The private key in a PEM file (PKCS#8, or a traditional EC/RSA key pair). */
  public static PrivateKey privateKey(Path file) {
    try (Reader r = Files.newBufferedReader(file); PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      // never echo the file's content: it is a secret
      throw new IllegalArgumentException(file + " holds no unencrypted PEM private key");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the private key " + file, e);
    }
  }

  /** An in-memory PKCS#12 key store holding the key and chain under alias {@code server}. */
  public static KeyStore keyStore(Path certificate, Path privateKey, char[] password) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("server", privateKey(privateKey), password,
          certificates(certificate).toArray(X509Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a key store from " + certificate, e);
    }
  }

  /** An in-memory trust store of the certificates in {@code caFile}. */
  public static KeyStore trustStore(Path caFile) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates(caFile)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a trust store from " + caFile, e);
    }
  }
}
