/**
 * Getting data into a hospital's FHIR server: the UCI Heart Disease centres turned into FHIR
 * ({@link org.fedfhir.fhir.loader.HeartDiseaseFhir}, codes in {@code docs/study-format.md}), any FHIR
 * bundle files, and a seeded synthetic cohort for the extraction benchmark. Everything is posted as
 * transaction bundles.
 */
package org.fedfhir.fhir.loader;
