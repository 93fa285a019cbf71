/**
 * The FHIR face of the TEE model service: a plain HAPI {@code RestfulServer} (R4) in embedded Jetty
 * 12 ({@link org.fedfhir.tee.fhir.TeeServer}) with the system operations {@code $attestation},
 * {@code $provision-model} and {@code $predict} ({@link org.fedfhir.tee.fhir.TeeOperationProvider},
 * thin: it delegates to {@link org.fedfhir.tee.enclave.EnclaveModelService}). Parameter names are
 * those of {@code docs/study-format.md} ({@link org.fedfhir.tee.fhir.TeeOperations}). Every
 * refusal is an OperationOutcome with a stable code from {@code
 * http://fedfhir.org/fhir/CodeSystem/tee-error}.
 */
package org.fedfhir.tee.fhir;
