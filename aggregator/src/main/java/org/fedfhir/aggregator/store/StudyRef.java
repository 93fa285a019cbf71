package org.fedfhir.aggregator.store;

/** A study's identity: the canonical URL and version of its PlanDefinition. */
public record StudyRef(String url, String version) {

  public StudyRef {
    if (url == null || url.isBlank() || url.length() > 500) {
      throw new IllegalArgumentException("study url '" + url + "'; need 1–500 characters");
    }
    if (version == null || version.isBlank() || version.length() > 100) {
      throw new IllegalArgumentException("study version '" + version + "'; need 1–100 characters");
    }
  }

  @Override
  public String toString() {
    return url + "|" + version;
  }
}
