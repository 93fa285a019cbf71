package org.fedfhir.aggregator.statistics;

/** The release store contract against the in-memory store. */
class InMemoryReleaseStoreTest extends ReleaseStoreContract {

  private final InMemoryReleaseStore store = new InMemoryReleaseStore();

  @Override
  ReleaseStore store() {
    return store;
  }
}
