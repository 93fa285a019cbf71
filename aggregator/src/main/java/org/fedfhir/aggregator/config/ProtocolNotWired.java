package org.fedfhir.aggregator.config;

import org.fedfhir.aggregator.api.v1.SiteMessage;
import org.fedfhir.aggregator.api.v1.Stage;
import org.fedfhir.aggregator.round.ProtocolViolation;
import org.fedfhir.aggregator.round.SecureSum;

/**
 * Placeholder until the secure-aggregation protocol of {@code secure-compute} (Bonawitz et al.
 * 2017) is adapted to {@link SecureSum}: every round aborts after its first stage and reveals
 * nothing. The service never falls back to summing plaintext updates.
 */
final class ProtocolNotWired implements SecureSum {

  static final String REASON = "secure aggregation is not wired into this aggregator build yet";

  @Override
  public Round open(RoundSetup setup) {
    return new Round() {
      private Stage stage = Stage.ADVERTISE_KEYS;

      @Override
      public Stage stage() {
        return stage;
      }

      @Override
      public void accept(int sender, SiteMessage message) throws ProtocolViolation {
        // keys are not even looked at
      }

      @Override
      public Outcome closeStage() {
        stage = Stage.STAGE_UNSPECIFIED;
        return new Aborted(REASON);
      }
    };
  }
}
