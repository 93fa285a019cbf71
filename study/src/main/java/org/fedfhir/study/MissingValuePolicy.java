package org.fedfhir.study;

import java.util.Optional;

/** What a site does with a patient who lacks a (non-required) feature. */
public enum MissingValuePolicy {
  /** The patient is left out of the matrix. */
  DROP("drop"),
  /** The value is replaced by the mean of the training rows (site-local in local training). */
  IMPUTE_MEAN("impute-mean");

  private final String code;

  MissingValuePolicy(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<MissingValuePolicy> fromCode(String code) {
    for (MissingValuePolicy p : values()) {
      if (p.code.equals(code)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
