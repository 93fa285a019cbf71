package org.fedfhir.securecompute.secagg;

import org.fedfhir.securecompute.crypto.Binding;

/** One round of one study: what every message of the round is bound to. */
public record RoundId(String study, long round) {

  public RoundId {
    if (study == null || study.isBlank()) {
      throw new IllegalArgumentException("study must be named");
    }
    if (round < 0) {
      throw new IllegalArgumentException("round " + round + " is negative");
    }
  }

  Binding binding(Stage stage, int sender, int recipient) {
    return new Binding(study, round, stage.code(), sender, recipient);
  }

  @Override
  public String toString() {
    return study + " round " + round;
  }
}
