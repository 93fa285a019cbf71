package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One network-wide metric of a completed round (securely aggregated; never one site's). */
@Entity
@Table(name = "fl_metric")
class MetricEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(name = "study_id", nullable = false)
  long studyId;

  @Column(nullable = false)
  int round;

  @Column(nullable = false, length = 100)
  String name;

  @Column(name = "metric_value", nullable = false)
  double value;

  protected MetricEntity() {}

  MetricEntity(long studyId, int round, String name, double value) {
    this.studyId = studyId;
    this.round = round;
    this.name = name;
    this.value = value;
  }
}
