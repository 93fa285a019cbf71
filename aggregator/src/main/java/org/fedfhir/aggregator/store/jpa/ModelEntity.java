package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A global model, keyed by the SHA-256 of its canonical encoding. */
@Entity
@Table(name = "fl_model")
class ModelEntity {

  @Id
  @Column(length = 64)
  String digest;

  @JdbcTypeCode(SqlTypes.VARBINARY)
  @Column(nullable = false, length = 64 * 1024 * 1024)
  byte[] weights;

  @Column(name = "created_at", nullable = false)
  Instant createdAt;

  protected ModelEntity() {}

  ModelEntity(String digest, byte[] weights, Instant createdAt) {
    this.digest = digest;
    this.weights = weights;
    this.createdAt = createdAt;
  }
}
