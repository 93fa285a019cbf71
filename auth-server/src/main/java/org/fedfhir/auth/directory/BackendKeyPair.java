package org.fedfhir.auth.directory;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.util.Base64;

/** A generated EC P-384 key pair for a backend client (ES384), key id = RFC 7638 thumbprint. */
record BackendKeyPair(String keyId, ECKey publicJwk, Secret privateJwk, Secret privatePem) {

  static BackendKeyPair generate() {
    try {
      ECKey key = new ECKeyGenerator(Curve.P_384)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES384)
          .keyIDFromThumbprint(true)
          .generate();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
              .encodeToString(key.toECPrivateKey().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      return new BackendKeyPair(key.getKeyID(), key.toPublicJWK(), new Secret(key.toJSONString()), new Secret(pem));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-384 key", e);
    }
  }

  @Override
  public String toString() {
    return "BackendKeyPair[" + keyId + "]";
  }
}
