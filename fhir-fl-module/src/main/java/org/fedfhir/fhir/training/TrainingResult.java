package org.fedfhir.fhir.training;

import org.fedfhir.federation.Standardisation;

/** What one local training run gives back: metrics on the test split, weights, preprocessing. */
public record TrainingResult(Metrics metrics, LinearWeights weights, Standardisation standardisation) {}
