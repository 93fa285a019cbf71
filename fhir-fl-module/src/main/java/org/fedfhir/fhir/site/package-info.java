/**
 * A site's part in studies it is asked to join: {@code $train} ({@link
 * org.fedfhir.fhir.site.LocalTrainingService}, {@link org.fedfhir.fhir.site.FederatedTrainingService}),
 * {@code $secure-stats} ({@link org.fedfhir.fhir.site.SecureStatsSiteService}) and {@code $clean-room}
 * ({@link org.fedfhir.fhir.site.CleanRoomSiteService}: rows sealed to the attested TEE; its refusals
 * after admission are {@link org.fedfhir.fhir.site.CleanRoomRefusal}s). The checks every
 * such request passes — the study is known, valid, of the operation's kind, active and approved by the
 * data steward — live once in {@link org.fedfhir.fhir.site.StudyAdmission}; a refusal is a
 * {@link org.fedfhir.fhir.site.SiteRefusal} with its OperationOutcome. The site's FHIR store is seen
 * through small ports ({@link org.fedfhir.fhir.site.SiteStudies}, {@link org.fedfhir.fhir.site.Approvals},
 * {@link org.fedfhir.fhir.site.Tasks}, {@link org.fedfhir.fhir.site.AuditTrail} and the cohort's
 * {@link org.fedfhir.fhir.cohort.ClinicalDataSource}), DAO-backed in {@code plugin}, in memory in tests.
 */
package org.fedfhir.fhir.site;
