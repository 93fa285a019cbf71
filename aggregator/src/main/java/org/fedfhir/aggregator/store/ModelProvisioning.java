package org.fedfhir.aggregator.store;

import java.time.Instant;
import java.util.Objects;

/**
 * That an attested TEE model service received a study's final model: which enclave (service URL,
 * evidence format, measurement, attested when) got which model (the round and global-model digest
 * it came from, and the digest of the servable model sealed to it). Holds no weights.
 *
 * @param round the round whose global model was provisioned
 * @param globalModelDigest the stored global model's digest ({@code ModelVector#digest})
 * @param modelDigest SHA-256 of the servable model's canonical encoding (what sites name in {@code $predict})
 * @param evidenceFormat {@code simulated} or {@code aws-nitro-enclaves}
 * @param measurement the enclave's verified measurement (hex)
 */
public record ModelProvisioning(StudyRef study, int round, String globalModelDigest, String modelDigest,
    String serviceUrl, String evidenceFormat, String measurement, Instant attestedAt, Instant provisionedAt) {

  public ModelProvisioning {
    Objects.requireNonNull(study, "study");
    Objects.requireNonNull(modelDigest, "modelDigest");
    Objects.requireNonNull(serviceUrl, "serviceUrl");
    Objects.requireNonNull(measurement, "measurement");
    Objects.requireNonNull(provisionedAt, "provisionedAt");
  }
}
