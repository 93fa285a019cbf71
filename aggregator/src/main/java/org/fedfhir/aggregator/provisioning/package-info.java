/**
 * Provisioning a finished study's model into the attested TEE model service: the final global
 * model becomes a servable logistic model ({@link org.fedfhir.aggregator.provisioning.ServableModels}),
 * which {@link org.fedfhir.aggregator.provisioning.ModelProvisioningService} seals to the attested
 * enclave ({@code tee-service}'s {@code ModelProvisioner}) and records in the store: which measurement
 * received which model digest. The plaintext model leaves the aggregator only sealed, and reaches
 * the study owner only if the study says {@code share-model-with-owner}; hospitals never get it here.
 */
package org.fedfhir.aggregator.provisioning;
