package org.fedfhir.aggregator.statistics;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.ig.StudyDigest;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The statistics studies published at the aggregator, each a {@link StatisticsStudy} with its
 * session opened among the aggregator's {@link Coordinators}, created when the study is published (its statistics are read from the PlanDefinition then). The published definition is
 * kept in the {@link ReleaseStore} under its logical id, so that after a restart {@link #recover}
 * creates the studies again, from the definitions whose digest is still the study's in the
 * {@link StudyStore}: the studies are runnable and joinable without publishing them again, and
 * their ε ledgers and releases are those kept before. A statistics study found in the study store
 * without a kept definition (published before definitions were kept, or its id since taken by
 * another study) has no session: it must be published again.
 */
public final class StatisticsStudies {

  private final Coordinators sessions;
  private final StudyStore store;
  private final ReleaseStore releases;
  private final Clock clock;
  private final String reporter;
  private final Map<StudyRef, StatisticsStudy> byStudy = new HashMap<>();
  private final Map<String, PlanDefinition> recovered = new LinkedHashMap<>();

  /** What {@link #recover} did: the studies it registered again, and why it left the others. */
  public record Recovered(List<StudyRef> studies, List<String> refused) {}

  /**
   * @param sessions opens each study's session
   * @param store the study store the sessions use
   * @param reporter the aggregator's name, the {@code reporter} of released MeasureReports
   */
  public StatisticsStudies(Coordinators sessions, StudyStore store, ReleaseStore releases, Clock clock,
      String reporter) {
    this.sessions = sessions;
    this.store = store;
    this.releases = releases;
    this.clock = clock;
    this.reporter = reporter;
  }

  /**
   * The aggregator's plan of a statistics study: one round per release, the study's min-sites and
   * threshold, and the statistics' total vector length, which sites join with.
   */
  public static StudyPlan plan(StudyPlan read, StatisticsDeclarations.Study study) {
    return StudyPlan.statistics(read.ref(), read.definitionDigest())
        .minSites(read.minSites())
        .threshold(read.threshold())
        .statisticsLength(study.length())
        .build();
  }

  /** Registers a published statistics study (again after a restart: same plan, same session). */
  public synchronized StatisticsStudy register(StudyPlan plan, StatisticsDeclarations.Study study) {
    return byStudy.computeIfAbsent(plan.ref(), ref -> new StatisticsStudy(plan, study, releases, clock, reporter,
        rounds -> sessions.open(plan, rounds)));
  }

  /** Reads and registers a study that is of kind statistics; empty for any other study. */
  public Optional<StatisticsStudy> registerIfStatistics(StudyPlan plan, PlanDefinition definition) {
    if (!StatisticsDeclarations.isStatisticsStudy(definition)) {
      return Optional.empty();
    }
    return Optional.of(register(plan, StatisticsDeclarations.read(definition)));
  }

  /**
   * Registers a statistics study published under the logical id {@code id} and keeps its definition
   * for {@link #recover}.
   */
  public StatisticsStudy publish(String id, StudyPlan plan, StatisticsDeclarations.Study study,
      PlanDefinition definition) {
    PlanDefinition kept = definition.copy();
    kept.setId(new IdType("PlanDefinition", id));
    releases.recordDefinition(new ReleaseStore.StoredDefinition(id, plan.ref(),
        FhirContext.forR4Cached().newJsonParser().encodeResourceToString(kept)));
    return register(plan, study);
  }

  /** Another (not a statistics) study was published under {@code id}: its kept definition goes. */
  public void unpublish(String id) {
    releases.removeDefinition(id);
  }

  /**
   * At start-up: registers the statistics studies whose definitions are kept, each if the study
   * store holds it as a statistics study with that definition's digest.
   */
  public Recovered recover() {
    List<StudyRef> studies = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (ReleaseStore.StoredDefinition kept : releases.definitions()) {
      String what = "PlanDefinition/" + kept.id() + " (" + kept.study() + ")";
      try {
        PlanDefinition definition = FhirContext.forR4Cached().newJsonParser()
            .parseResource(PlanDefinition.class, kept.json());
        Optional<StudyPlan> plan = store.study(kept.study());
        if (plan.isEmpty() || !plan.get().isStatistics()) {
          refused.add(what + ": not a statistics study in the study store");
          continue;
        }
        if (!StudyDigest.sha256Hex(FhirContext.forR4Cached(), definition).equals(plan.get().definitionDigest())) {
          refused.add(what + ": the kept definition's digest is not the study's");
          continue;
        }
        if (registerIfStatistics(plan.get(), definition).isEmpty()) {
          refused.add(what + ": not of kind statistics");
          continue;
        }
        synchronized (this) {
          recovered.put(kept.id(), definition);
        }
        if (!studies.contains(kept.study())) {
          studies.add(kept.study());
        }
      } catch (DataFormatException | IllegalArgumentException e) {
        refused.add(what + ": " + e.getMessage());
      }
    }
    return new Recovered(List.copyOf(studies), List.copyOf(refused));
  }

  /** The definitions {@link #recover} registered again, by logical id. */
  public synchronized Map<String, PlanDefinition> recovered() {
    return Map.copyOf(recovered);
  }

  /** A published statistics study. */
  public synchronized Optional<StatisticsStudy> forStudy(StudyRef ref) {
    return Optional.ofNullable(byStudy.get(ref));
  }

  /** The releases, ε ledgers and kept definitions. */
  public ReleaseStore releases() {
    return releases;
  }
}
