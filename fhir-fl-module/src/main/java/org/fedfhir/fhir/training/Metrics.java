package org.fedfhir.fhir.training;

/**
 * Test-set metrics.
 *
 * @param accuracy share of test rows classified right at threshold 0.5 (Tribuo's LabelEvaluation)
 * @param auc area under the ROC curve of the positive class
 * @param brier mean squared error of the positive-class probability; {@code NaN} for models without
 *     probabilities (linear SVM)
 */
public record Metrics(double accuracy, double auc, double brier, int trainCount, int testCount) {}
