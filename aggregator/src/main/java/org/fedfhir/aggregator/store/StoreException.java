package org.fedfhir.aggregator.store;

/**
 * A store operation was refused because it would break the study's history (a second round in
 * flight, completing a round that is not in flight, a study re-registered with another definition).
 */
public final class StoreException extends RuntimeException {

  public StoreException(String message) {
    super(message);
  }
}
