package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.fedfhir.aggregator.store.ModelProvisioning;
import org.fedfhir.aggregator.store.StudyRef;

/** Which attested enclave received which model of a study (no weights). */
@Entity
@Table(name = "fl_model_provisioning")
class ProvisioningEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(name = "study_id", nullable = false)
  long studyId;

  @Column(nullable = false)
  int round;

  @Column(name = "global_model_digest", length = 64)
  String globalModelDigest;

  @Column(name = "model_digest", nullable = false, length = 64)
  String modelDigest;

  @Column(name = "service_url", nullable = false, length = 500)
  String serviceUrl;

  @Column(name = "evidence_format", length = 40)
  String evidenceFormat;

  @Column(nullable = false, length = 200)
  String measurement;

  @Column(name = "attested_at")
  Instant attestedAt;

  @Column(name = "provisioned_at", nullable = false)
  Instant provisionedAt;

  protected ProvisioningEntity() {}

  ProvisioningEntity(long studyId, ModelProvisioning p) {
    this.studyId = studyId;
    this.round = p.round();
    this.globalModelDigest = p.globalModelDigest();
    this.modelDigest = p.modelDigest();
    this.serviceUrl = p.serviceUrl();
    this.evidenceFormat = p.evidenceFormat();
    this.measurement = p.measurement();
    this.attestedAt = p.attestedAt();
    this.provisionedAt = p.provisionedAt();
  }

  ModelProvisioning toRecord(StudyRef ref) {
    return new ModelProvisioning(ref, round, globalModelDigest, modelDigest, serviceUrl, evidenceFormat, measurement,
        attestedAt, provisionedAt);
  }
}
