package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import org.hibernate.Length;
import java.time.Instant;
import org.fedfhir.aggregator.statistics.ReleaseStore.StoredRelease;
import org.fedfhir.aggregator.store.StudyRef;

/** A statistics study's released result: the FHIR answer as the researcher got it. */
@Entity
@Table(name = "fl_statistics_release", indexes = @Index(columnList = "url, version"))
class ReleaseEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(nullable = false, length = 500)
  String url;

  @Column(nullable = false, length = 100)
  String version;

  @Column(name = "first_round", nullable = false)
  int round;

  @Column(nullable = false)
  int sites;

  @Column(name = "released_at", nullable = false)
  Instant at;

  // text, not @Lob: PostgreSQL would keep a large object (an oid) that outlives its row
  @Column(name = "result_json", nullable = false, length = Length.LONG32)
  String resultJson;

  protected ReleaseEntity() {}

  ReleaseEntity(StoredRelease r) {
    url = r.study().url();
    version = r.study().version();
    round = r.round();
    sites = r.sites();
    at = r.at();
    resultJson = r.resultJson();
  }

  StoredRelease toRecord() {
    return new StoredRelease(new StudyRef(url, version), round, sites, at, resultJson);
  }
}
