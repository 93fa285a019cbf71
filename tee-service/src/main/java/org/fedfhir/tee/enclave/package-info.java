/**
 * What runs inside the trusted execution environment, free of HAPI: {@link
 * org.fedfhir.tee.enclave.EnclaveModelService} holds the enclave's HPKE key and the provisioned
 * models (in memory only), answers attestation requests through an {@link
 * org.fedfhir.securecompute.attestation.Attester}, opens sealed models and features and seals
 * predictions; {@link org.fedfhir.tee.enclave.EnclaveSessions} holds the lean path's attested sessions
 * (a key per session, bound into its evidence; sealed batches accepted once and in order);
 * {@link org.fedfhir.tee.enclave.CodeMeasurement} computes the service's measurement.
 * Nothing here logs features, predictions, models or keys.
 */
package org.fedfhir.tee.enclave;
