/**
 * {@code $infer}: one patient's risk from a study's model held in the attested TEE model service.
 * {@link org.fedfhir.fhir.inference.InferenceService} resolves the study and its approval, reads the
 * patient's features with the training extraction ({@code cohort.FeatureExtractor#extractPatient}),
 * verifies the TEE's attestation, seals and predicts through {@code tee-service}'s {@code TeeClient},
 * and builds the {@code RiskAssessment} and {@code Provenance}; every call leaves an {@code AuditEvent}.
 * The HAPI/JPA edges (DAO reads, storage, the operation provider) live in {@code plugin}.
 */
package org.fedfhir.fhir.inference;
