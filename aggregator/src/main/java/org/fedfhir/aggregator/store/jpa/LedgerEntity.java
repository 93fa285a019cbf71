package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/** A statistics study's ε ledger: its budget (its charges are {@link ChargeEntity} rows). */
@Entity
@Table(name = "fl_privacy_ledger", uniqueConstraints = @UniqueConstraint(columnNames = {"url", "version"}))
class LedgerEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(nullable = false, length = 500)
  String url;

  @Column(nullable = false, length = 100)
  String version;

  @Column(nullable = false)
  double budget;

  protected LedgerEntity() {}

  LedgerEntity(String url, String version, double budget) {
    this.url = url;
    this.version = version;
    this.budget = budget;
  }
}
