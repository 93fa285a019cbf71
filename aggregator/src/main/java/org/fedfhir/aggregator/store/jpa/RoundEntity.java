package org.fedfhir.aggregator.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyRef;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "fl_round",
    uniqueConstraints = @UniqueConstraint(columnNames = {"study_id", "number", "attempt"}))
class RoundEntity {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  Long id;

  @Column(name = "study_id", nullable = false)
  long studyId;

  @Column(nullable = false)
  int number;

  @Column(nullable = false)
  int attempt;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 20)
  RoundState state;

  /** Site names (DNS labels) separated by ','. */
  @Column(nullable = false, length = 8000)
  String participants;

  @Column(nullable = false, length = 8000)
  String dropouts;

  @Column(name = "started_at", nullable = false)
  Instant startedAt;

  @Column(name = "ended_at")
  Instant endedAt;

  @Column(name = "model_digest", length = 64)
  String modelDigest;

  @Column(name = "abort_reason", length = 1000)
  String abortReason;

  @JdbcTypeCode(SqlTypes.VARBINARY)
  @Column(name = "strategy_state", length = 64 * 1024 * 1024)
  byte[] strategyState;

  protected RoundEntity() {}

  RoundEntity(long studyId, int number, int attempt, List<String> participants, Instant at) {
    this.studyId = studyId;
    this.number = number;
    this.attempt = attempt;
    this.state = RoundState.IN_FLIGHT;
    this.participants = String.join(",", participants);
    this.dropouts = "";
    this.startedAt = at;
  }

  RoundRecord toRecord(StudyRef ref) {
    return new RoundRecord(ref, number, attempt, state, split(participants), split(dropouts),
        startedAt, endedAt, modelDigest, abortReason);
  }

  static List<String> split(String names) {
    return names.isEmpty() ? List.of() : Arrays.asList(names.split(","));
  }
}
