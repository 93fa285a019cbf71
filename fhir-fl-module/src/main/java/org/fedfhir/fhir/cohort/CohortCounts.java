package org.fedfhir.fhir.cohort;

/**
 * What a site reports about its cohort (aggregate counts only, never who).
 *
 * @param patients patients on the server
 * @param included rows in the feature matrix
 * @param excludedConsent patients left out by a research Consent that denies use
 * @param excludedCriteria patients left out by age, sex or a missing required feature
 * @param missing patients with at least one missing (non-required) feature: dropped under
 *     {@code drop}, imputed under {@code impute-mean}
 * @param unconvertibleUnits values left out because their unit could not be converted
 */
public record CohortCounts(
    int patients, int included, int excludedConsent, int excludedCriteria, int missing,
    int unconvertibleUnits) {}
