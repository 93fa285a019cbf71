/**
 * Local training of linear models with Tribuo 4.3.2 ({@code LinearSGDTrainer}): logistic regression
 * ({@code LogMulticlass}) and a linear SVM ({@code Hinge}); a seeded stratified split; mean imputation
 * and standardisation fitted on the training rows; evaluation (accuracy at 0.5, AUC, Brier score);
 * warm start from given weights and export of weights as a fixed-schema vector
 * ({@link org.fedfhir.fhir.training.LinearWeights}). Free of HAPI FHIR: the federated rounds call
 * this package with plain arrays.
 */
package org.fedfhir.fhir.training;
