package org.fedfhir.auth.directory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A FedFHIR role, carried in the access token's {@code fedfhir_roles} claim by its {@link #code()}. */
public enum Role {
  CLINICIAN("clinician"),
  DATA_STEWARD("data-steward"),
  RESEARCHER("researcher"),
  INTEGRATOR("integrator");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  /** The role as written in the directory file and in tokens, e.g. {@code data-steward}. */
  @JsonValue
  public String code() {
    return code;
  }

  /** The role written {@code code}; names the allowed codes when it is none of them. */
  @JsonCreator
  public static Role fromCode(String code) {
    for (Role r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + code + "'; allowed: "
        + Arrays.stream(values()).map(Role::code).collect(Collectors.joining(", ")));
  }
}
