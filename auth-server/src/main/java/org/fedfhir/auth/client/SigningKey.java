package org.fedfhir.auth.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;

/**
 * A backend client's private key, ready to sign client assertions: EC P-384 (ES384) or RSA
 * (RS384). Never prints its key material.
 */
public final class SigningKey {
  private final JWSSigner signer;
  private final JWSAlgorithm algorithm;
  private final String keyId;

  private SigningKey(JWSSigner signer, JWSAlgorithm algorithm, String keyId) {
    this.signer = signer;
    this.algorithm = algorithm;
    this.keyId = keyId;
  }

  /** Reads a private key file: a JWK (JSON, with {@code d}) or a PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). */
  public static SigningKey read(Path file) throws IOException {
    String text = Files.readString(file).trim();
    try {
      return text.startsWith("{") ? fromJwk(JWK.parse(text)) : fromPem(text);
    } catch (ParseException | GeneralSecurityException | JOSEException | IllegalArgumentException e) {
      throw new IOException("key file " + file + " is not a private EC P-384 or RSA key (JWK or PKCS#8 PEM): "
          + e.getClass().getSimpleName(), e);
    }
  }

  /** A signing key from a private JWK. */
  public static SigningKey fromJwk(JWK jwk) throws JOSEException {
    if (!jwk.isPrivate()) {
      throw new IllegalArgumentException("the JWK holds no private key");
    }
    if (jwk instanceof ECKey ec) {
      return new SigningKey(new ECDSASigner(ec), JWSAlgorithm.ES384, jwk.getKeyID());
    }
    if (jwk instanceof RSAKey rsa) {
      return new SigningKey(new RSASSASigner(rsa), JWSAlgorithm.RS384, jwk.getKeyID());
    }
    throw new IllegalArgumentException("unsupported key type " + jwk.getKeyType());
  }

  private static SigningKey fromPem(String pem) throws GeneralSecurityException, JOSEException {
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException("not a PKCS#8 PEM");
    }
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(spec);
      return new SigningKey(new ECDSASigner((ECPrivateKey) key), JWSAlgorithm.ES384, null);
    } catch (GeneralSecurityException notEc) {
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(spec);
      return new SigningKey(new RSASSASigner((RSAPrivateKey) key), JWSAlgorithm.RS384, null);
    }
  }

  JWSSigner signer() {
    return signer;
  }

  JWSAlgorithm algorithm() {
    return algorithm;
  }

  String keyId() {
    return keyId;
  }

  @Override
  public String toString() {
    return "SigningKey[" + algorithm + (keyId == null ? "" : ", kid " + keyId) + "]";
  }
}
