package org.fedfhir.auth.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;

/** Reads and checks a backend client's inline JWK Set: public RSA (RS384) or EC P-384 (ES384) keys only. */
final class BackendKeys {
  private BackendKeys() {}

  static JWKSet fromJwks(JsonNode jwks) {
    JWKSet set;
    try {
      set = JWKSet.parse(jwks.toString());
    } catch (ParseException e) {
      throw new IllegalArgumentException("is not a JWK Set: " + e.getMessage(), e);
    }
    if (set.getKeys().isEmpty()) {
      throw new IllegalArgumentException("has no keys");
    }
    for (JWK k : set.getKeys()) {
      String name = k.getKeyID() == null ? "a key" : "key '" + k.getKeyID() + "'";
      if (k.isPrivate()) {
        throw new IllegalArgumentException(name + " holds private material: the directory keeps public keys only");
      }
      boolean rsa = k instanceof RSAKey && (k.getAlgorithm() == null || JWSAlgorithm.RS384.equals(k.getAlgorithm()));
      boolean ec = k instanceof ECKey e && Curve.P_384.equals(e.getCurve())
          && (k.getAlgorithm() == null || JWSAlgorithm.ES384.equals(k.getAlgorithm()));
      if (!rsa && !ec) {
        throw new IllegalArgumentException(name + " must be an RSA key for RS384 or an EC P-384 key for ES384");
      }
    }
    return set;
  }
}
