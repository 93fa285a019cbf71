package org.fedfhir.study;

import java.util.Objects;

/** A code in a code system (a FHIR Coding without display). */
public record Code(String system, String code) {
  public Code {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(code, "code");
  }

  @Override
  public String toString() {
    return system + "|" + code;
  }
}
