/**
 * The site's side of federated training (docs/federation.md): what a hospital contributes in each
 * phase of a study — moments of its training rows (STANDARDISE), a locally trained model (a linear
 * one by Tribuo, a neural network by {@link org.fedfhir.fhir.federation.NetworkSgd}) or the
 * logistic score and information (TRAIN), the metric tail of a model on its test split (EVALUATE) —
 * computed from its own extracted cohort ({@link org.fedfhir.fhir.federation.SiteRoundWork}), and
 * the client that takes part in the study at the aggregator over gRPC with mutual TLS
 * ({@link org.fedfhir.fhir.federation.FederationClient}). Contributions leave the site only masked,
 * through {@link org.fedfhir.federation.SiteSession}'s secure aggregation; nothing here logs a
 * patient value, a weight or a share.
 *
 * <p>{@link org.fedfhir.fhir.federation.StudyDigest} is the definition digest the aggregator
 * compares at Join.
 */
package org.fedfhir.fhir.federation;
