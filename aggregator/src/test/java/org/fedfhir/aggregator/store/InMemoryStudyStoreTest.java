package org.fedfhir.aggregator.store;

class InMemoryStudyStoreTest extends StudyStoreContract {

  private final StudyStore store = new InMemoryStudyStore();

  @Override
  StudyStore store() {
    return store;
  }
}
