package org.fedfhir.tee.client;

import java.time.Instant;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.securecompute.attestation.Measurement;

/**
 * Which attested service (base URL, evidence format, measurement) received which model (study,
 * version, digest), and when: what the aggregator records in the study at the end of training.
 * Holds no weights.
 */
public record ProvisioningRecord(String serviceBaseUrl, EvidenceFormat evidenceFormat, Measurement measurement,
    Instant attestedAt, String study, String modelVersion, String modelDigest, Instant provisionedAt) {}
