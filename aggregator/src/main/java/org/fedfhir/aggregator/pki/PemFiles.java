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
import java.security.SecureRandom;
import java.util.Arrays;
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
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemGenerationException;

/**
 * PEM encoding of certificates, certification requests and PKCS#8 private keys (the forms gRPC's TLS
 * accepts; the CA's key encrypted under its passphrase), and writing
 * them to disk: a key file is created with permissions 600 (owner read/write only) before any byte is
 * written, and an existing file is never overwritten.
 */
public final class PemFiles {

  /** Bouncy Castle's provider, used here without registering it (the JDK names no PKCS#7 padding). */
  private static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

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

  /**
   * The key as encrypted PKCS#8 PEM ({@code BEGIN ENCRYPTED PRIVATE KEY}): AES-256-CBC under a key
   * derived from the passphrase with PBKDF2-HMAC-SHA256 ({@link CaPassphrase#CHOSEN_ITERATIONS}
   * iterations for a chosen passphrase) and a random salt.
   */
  public static String encryptedPrivateKeyPem(PrivateKey key, CaPassphrase passphrase) {
    char[] chars = passphrase.chars();
    try {
      OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setPRF(PKCS8Generator.PRF_HMACSHA256)
          .setIterationCount(passphrase.keyDerivationIterations())
          .setRandom(new SecureRandom())
          .setProvider(BOUNCY_CASTLE)
          .setPassword(chars)
          .build();
      return pem(new JcaPKCS8Generator(key, encryptor));
    } catch (OperatorCreationException | PemGenerationException e) {
      throw new PkiException("could not encrypt the private key", e);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** Writes the key as encrypted PKCS#8 PEM ({@link #encryptedPrivateKeyPem}) with mode 600; refuses to overwrite. */
  public static void writeEncryptedPrivateKey(Path file, PrivateKey key, CaPassphrase passphrase) {
    write(file, encryptedPrivateKeyPem(key, passphrase), "rw-------");
  }

  /**
   * Reads an encrypted PKCS#8 PEM key.
   *
   * @throws PkiException if the file holds no encrypted key or the passphrase does not open it
   */
  public static PrivateKey readEncryptedPrivateKey(Path file, CaPassphrase passphrase) {
    Object o = readPem(new StringReader(read(file)), file.toString());
    if (!(o instanceof PKCS8EncryptedPrivateKeyInfo encrypted)) {
      throw new PkiException(file + " holds no encrypted PKCS#8 private key");
    }
    char[] chars = passphrase.chars();
    try {
      InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE)
          .build(chars);
      return new JcaPEMKeyConverter().getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
    } catch (OperatorCreationException | PKCSException | PEMException e) {
      throw new PkiException(file + " could not be decrypted: wrong passphrase, or the file is damaged");
    } finally {
      Arrays.fill(chars, '\0');
    }
  }

  /** A certification request as PEM ({@code BEGIN CERTIFICATE REQUEST}). */
  public static String certificationRequestPem(PKCS10CertificationRequest request) {
    return pem(request);
  }

  /** Writes a certification request (mode 644); refuses to overwrite. */
  public static void writeCertificationRequest(Path file, PKCS10CertificationRequest request) {
    write(file, certificationRequestPem(request), "rw-r--r--");
  }

  /** Reads a PEM certification request (its signature is not checked here: {@link CertificateAuthority#sign} does). */
  public static PKCS10CertificationRequest readCertificationRequest(Path file) {
    Object o = readPem(new StringReader(read(file)), file.toString());
    if (!(o instanceof PKCS10CertificationRequest request)) {
      throw new PkiException(file + " holds no PEM certificate request (PKCS#10)");
    }
    return request;
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
