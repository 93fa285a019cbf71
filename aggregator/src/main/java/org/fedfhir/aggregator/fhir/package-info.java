/**
 * The aggregator's small FHIR endpoint (HAPI plain server, R4): researchers publish study
 * {@code PlanDefinition}s here, validated against the implementation guide's {@code FederatedStudy}
 * profile as the sites validate them, and the study becomes a {@link
 * org.fedfhir.aggregator.store.StudyPlan} that sites can join by canonical URL and version.
 */
package org.fedfhir.aggregator.fhir;
