package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;

@Entity
@Table(name = "fl_site", uniqueConstraints = @UniqueConstraint(columnNames = {"study_id", "name"}))
class SiteEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(name = "study_id", nullable = false)
  long studyId;

  @Column(nullable = false, length = 63)
  String name;

  @Column(name = "first_joined", nullable = false)
  Instant firstJoined;

  @Column(name = "last_joined", nullable = false)
  Instant lastJoined;

  protected SiteEntity() {}

  SiteEntity(long studyId, String name, Instant at) {
    this.studyId = studyId;
    this.name = name;
    this.firstJoined = at;
    this.lastJoined = at;
  }
}
