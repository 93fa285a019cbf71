package org.fedfhir.study;

import java.util.Optional;

/** How several values of one feature for one patient become one number. */
public enum Summary {
  LATEST("latest"), MEAN("mean"), MIN("min"), MAX("max");

  private final String code;

  Summary(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Summary> fromCode(String code) {
    for (Summary s : values()) {
      if (s.code.equals(code)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
