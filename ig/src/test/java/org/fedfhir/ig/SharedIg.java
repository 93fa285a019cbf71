package org.fedfhir.ig;

/** One guide for all tests of a JVM: loading it (core definitions, snapshots) takes seconds. */
final class SharedIg {
  private SharedIg() {}

  static FedFhirIg get() {
    return FedFhirIg.loadCached().join();
  }
}
