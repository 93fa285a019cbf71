/**
 * From a hospital's FHIR data to a study's feature matrix: the approval gate ({@link ApprovalGate}),
 * consent exclusion ({@link ConsentPolicy}), unit conversion with the FHIR UCUM library
 * ({@link UcumConverter}), summaries of several values, missing values and the counts a site
 * reports ({@link FeatureExtractor}). Data comes through {@link ClinicalDataSource}, so the domain
 * runs on plain objects in tests and on the JPA DAOs in the server. Never logs patient data.
 */
package org.fedfhir.fhir.cohort;
