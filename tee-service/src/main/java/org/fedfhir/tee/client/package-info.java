/**
 * Callers of the TEE model service: {@link org.fedfhir.tee.client.TeeClient} (a site's {@code $infer}
 * path: attest with a fresh nonce, verify against the site's policy, seal features, call {@code
 * $predict}, open the answer) and {@link org.fedfhir.tee.client.ModelProvisioner} (the aggregator at
 * the end of a study: attest, seal the model, {@code $provision-model}, return a {@link
 * org.fedfhir.tee.client.ProvisioningRecord}). Both use HAPI's generic client; nothing is sent to a
 * service whose attestation failed.
 */
package org.fedfhir.tee.client;
