package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.Length;
import java.util.List;
import org.fedfhir.aggregator.store.ModelSpec;

/** A study's model layout (feature names one per line, algorithm, owner download). */
@Entity
@Table(name = "fl_model_spec")
class ModelSpecEntity {

  @Id
  @Column(name = "study_id")
  Long studyId;

  // text, not @Lob: PostgreSQL would keep a large object (an oid) that outlives its row
  @Column(name = "feature_names", nullable = false, length = Length.LONG32)
  String featureNames;

  @Column(nullable = false, length = 50)
  String algorithm;

  @Column(name = "share_with_owner", nullable = false)
  boolean shareWithOwner;

  /** Null in rows kept before studies could declare it: the default then. */
  @Column(name = "prediction_precision")
  Integer predictionPrecision;

  protected ModelSpecEntity() {}

  ModelSpecEntity(long studyId, ModelSpec spec) {
    this.studyId = studyId;
    this.featureNames = String.join("\n", spec.featureNames());
    this.algorithm = spec.algorithm();
    this.shareWithOwner = spec.shareWithOwner();
    this.predictionPrecision = spec.predictionPrecision();
  }

  ModelSpec toSpec() {
    return new ModelSpec(List.of(featureNames.split("\n")), algorithm, shareWithOwner,
        predictionPrecision == null ? ModelSpec.DEFAULT_PRECISION : predictionPrecision);
  }
}
