package org.fedfhir.aggregator.store.jpa;

import java.util.List;
import java.util.Optional;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StudyStatus;
import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data repositories of the JPA store (package-private: callers use the store). */
final class Repositories {

  private Repositories() {}

  interface Studies extends JpaRepository<StudyEntity, Long> {
    Optional<StudyEntity> findByUrlAndVersion(String url, String version);

    List<StudyEntity> findByStatusOrderById(StudyStatus status);
  }

  interface Sites extends JpaRepository<SiteEntity, Long> {
    Optional<SiteEntity> findByStudyIdAndName(long studyId, String name);

    List<SiteEntity> findByStudyIdOrderById(long studyId);
  }

  interface Rounds extends JpaRepository<RoundEntity, Long> {
    List<RoundEntity> findByStudyIdOrderById(long studyId);

    List<RoundEntity> findByState(RoundState state);
  }

  interface Models extends JpaRepository<ModelEntity, String> {}

  interface Metrics extends JpaRepository<MetricEntity, Long> {
    List<MetricEntity> findByStudyIdAndRound(long studyId, int round);
  }

  interface ModelSpecs extends JpaRepository<ModelSpecEntity, Long> {}

  interface Provisionings extends JpaRepository<ProvisioningEntity, Long> {
    List<ProvisioningEntity> findByStudyIdOrderById(long studyId);
  }

  interface Releases extends JpaRepository<ReleaseEntity, Long> {
    List<ReleaseEntity> findByUrlAndVersionOrderById(String url, String version);
  }

  interface Ledgers extends JpaRepository<LedgerEntity, Long> {
    Optional<LedgerEntity> findByUrlAndVersion(String url, String version);
  }

  interface Charges extends JpaRepository<ChargeEntity, Long> {
    List<ChargeEntity> findByLedgerIdOrderByPosition(long ledgerId);
  }

  interface Definitions extends JpaRepository<DefinitionEntity, Long> {
    Optional<DefinitionEntity> findByLogicalId(String logicalId);

    List<DefinitionEntity> findAllByOrderById();
  }
}
