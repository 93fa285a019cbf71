package org.fedfhir.aggregator.store;

import java.util.Objects;
import org.fedfhir.aggregator.strategy.ModelVector;

/**
 * A global model as stored: produced by a completed round, with the strategy state to carry on from.
 *
 * @param round the round that produced it
 * @param model the weights (their digest is the model's key)
 * @param strategyState the encoded strategy state after that round
 */
public record StoredModel(StudyRef study, int round, ModelVector model, byte[] strategyState) {

  public StoredModel {
    Objects.requireNonNull(model, "model");
    strategyState = strategyState.clone();
  }

  @Override
  public byte[] strategyState() {
    return strategyState.clone();
  }

  public String digest() {
    return model.digest();
  }
}
