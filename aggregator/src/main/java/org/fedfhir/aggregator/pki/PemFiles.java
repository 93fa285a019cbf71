package org.fedfhir.aggregator.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * PEM encoding of certificates and PKCS#8 private keys (the forms gRPC's TLS accepts), and writing
 * them to disk: a key file is created with permissions 600 (owner read/write only) before any byte is
 * written, and an existing file is never overwritten.
 */
public final class PemFiles {

  private PemFiles() {}

  public static String certificatePem(X509Certificate certificate) {
    return pem(certificate);
  }

  /** The key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static String privateKeyPem(PrivateKey key) {
    try {
      return pem(new JcaPKCS8Generator(key, null));
    } catch (PemGenerationException e) {
      throw new PkiException("could not encode the private key as PKCS#8", e);
    }
  }

  private static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new PkiException("could not write PEM", e);
    }
    return out.toString();
  }

  public static X509Certificate parseCertificate(String pem, String source) {
    Object o = readPem(new StringReader(pem), source);
    if (!(o instanceof X509CertificateHolder holder)) {
      throw new PkiException(source + " holds no PEM certificate");
    }
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new PkiException(source + " holds an unreadable certificate", e);
    }
  }

  public static PrivateKey parsePrivateKey(String pem, String source) {
    Object o = readPem(new StringReader(pem), source);
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
    } catch (PEMException e) {
      throw new PkiException(source + " holds an unreadable private key", e);
    }
    throw new PkiException(source + " holds no unencrypted PEM private key (need PKCS#8)");
  }

  private static Object readPem(Reader reader, String source) {
    try (PEMParser p = new PEMParser(reader)) {
      Object o = p.readObject();
      if (o == null) {
        throw new PkiException(source + " holds no PEM object");
      }
      return o;
    } catch (IOException e) {
      throw new PkiException("could not read " + source, e);
    }
  }

  public static X509Certificate readCertificate(Path file) {
    return parseCertificate(read(file), file.toString());
  }

  public static PrivateKey readPrivateKey(Path file) {
    return parsePrivateKey(read(file), file.toString());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new PkiException("could not read " + file + ": " + e, e);
    }
  }

  /** Writes a certificate (mode 644 where POSIX permissions exist); refuses to overwrite. */
  public static void writeCertificate(Path file, X509Certificate certificate) {
    write(file, certificatePem(certificate), "rw-r--r--");
  }

  /** Writes a private key as PKCS#8 PEM with mode 600; refuses to overwrite. */
  public static void writePrivateKey(Path file, PrivateKey key) {
    write(file, privateKeyPem(key), "rw-------");
  }

  private static void write(Path file, String content, String mode) {
    try {
      if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(mode)));
      } else {
        Files.createFile(file);
      }
      Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      throw new PkiException(file + " exists already; not overwriting it", e);
    } catch (IOException e) {
      throw new PkiException("could not write " + file + ": " + e, e);
    }
  }
}
