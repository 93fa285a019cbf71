package org.fedfhir.fhir.inference;

/**
 * How well a study's model did, as the site knows it at the study's end (its completed TrainingTask):
 * the network's accuracy on all sites' test splits in the final round, and the final model's AUC on
 * this site's own test split. {@code NaN} where the Task does not say.
 */
public record ModelPerformance(double networkAccuracy, double siteAuc) {
  /** Nothing known (no completed Task for the study at this site). */
  public static final ModelPerformance UNKNOWN = new ModelPerformance(Double.NaN, Double.NaN);
}
