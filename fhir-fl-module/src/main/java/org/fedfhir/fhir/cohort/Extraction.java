package org.fedfhir.fhir.cohort;

/** The result of extracting a study's cohort: the matrix and the counts. */
public record Extraction(FeatureMatrix matrix, CohortCounts counts) {}
