package org.fedfhir.auth.directory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a client authenticates at the token endpoint. */
public enum ClientKind {
  /** A SMART app that cannot keep a secret: authorization code with PKCE, no client authentication. */
  PUBLIC("public"),
  /** A SMART app with a client secret (HTTP Basic at the token endpoint) and PKCE. */
  CONFIDENTIAL("confidential"),
  /** SMART Backend Services: client credentials, authenticated with a signed JWT (private_key_jwt). */
  BACKEND("backend");

  private final String code;

  ClientKind(String code) {
    this.code = code;
  }

  @JsonValue
  public String code() {
    return code;
  }

  @JsonCreator
  public static ClientKind fromCode(String code) {
    for (ClientKind k : values()) {
      if (k.code.equals(code)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown client kind '" + code + "'; allowed: public, confidential, backend");
  }
}
