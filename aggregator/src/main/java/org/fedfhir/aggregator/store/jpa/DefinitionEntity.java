package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.Length;
import org.fedfhir.aggregator.statistics.ReleaseStore.StoredDefinition;
import org.fedfhir.aggregator.store.StudyRef;

/** A published statistics study's PlanDefinition (JSON) under its logical id. */
@Entity
@Table(name = "fl_statistics_definition")
class DefinitionEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(name = "logical_id", nullable = false, unique = true, length = 64)
  String logicalId;

  @Column(nullable = false, length = 500)
  String url;

  @Column(nullable = false, length = 100)
  String version;

  // text, not @Lob: PostgreSQL would keep a large object (an oid) that outlives its row
  @Column(name = "definition_json", nullable = false, length = Length.LONG32)
  String json;

  protected DefinitionEntity() {}

  DefinitionEntity(StoredDefinition d) {
    logicalId = d.id();
    set(d);
  }

  void set(StoredDefinition d) {
    url = d.study().url();
    version = d.study().version();
    json = d.json();
  }

  StoredDefinition toRecord() {
    return new StoredDefinition(logicalId, new StudyRef(url, version), json);
  }
}
