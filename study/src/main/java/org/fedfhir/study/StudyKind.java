package org.fedfhir.study;

import java.util.Optional;

/** {@code training} (a model) or {@code statistics} (secure aggregate statistics). */
public enum StudyKind {
  TRAINING("training"), STATISTICS("statistics");

  private final String code;

  StudyKind(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<StudyKind> fromCode(String code) {
    for (StudyKind k : values()) {
      if (k.code.equals(code)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
