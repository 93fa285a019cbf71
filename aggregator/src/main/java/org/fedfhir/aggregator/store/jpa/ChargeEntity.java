package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import org.fedfhir.securecompute.statistics.PrivacyLedger;

/**
 * One ε charge of a ledger, at its position among the ledger's charges, with the release it was
 * kept with (the release that spent it, or a later one if its own was never made).
 */
@Entity
@Table(name = "fl_privacy_charge", uniqueConstraints = @UniqueConstraint(columnNames = {"ledger_id", "position"}))
class ChargeEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(name = "ledger_id", nullable = false)
  long ledgerId;

  @Column(nullable = false)
  int position;

  @Column(nullable = false, length = 200)
  String statistic;

  @Column(nullable = false)
  double epsilon;

  @Column(name = "release_id", nullable = false)
  long releaseId;

  protected ChargeEntity() {}

  ChargeEntity(long ledgerId, int position, PrivacyLedger.Entry entry, long releaseId) {
    this.ledgerId = ledgerId;
    this.position = position;
    this.statistic = entry.statistic();
    this.epsilon = entry.epsilon();
    this.releaseId = releaseId;
  }

  PrivacyLedger.Entry toEntry() {
    return new PrivacyLedger.Entry(statistic, epsilon);
  }
}
