package org.fedfhir.ig;

/** One guide for all tests of a JVM: loading it (core definitions, snapshots) takes seconds. */
final class SharedIg {
  private static FedFhirIg ig;

  private SharedIg() {}

  static synchronized FedFhirIg get() {
    if (ig == null) {
      ig = FedFhirIg.load();
    }
    return ig;
  }
}
