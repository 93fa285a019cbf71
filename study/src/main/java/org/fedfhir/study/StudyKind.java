package org.fedfhir.study;

import java.util.Optional;

/**
 * {@code training} (a model), {@code statistics} (secure aggregate statistics) or {@code clean-room}
 * (a researcher's approved program run in the TEE over rows sealed to it).
 */
public enum StudyKind {
  TRAINING("training"), STATISTICS("statistics"), CLEAN_ROOM("clean-room");

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
