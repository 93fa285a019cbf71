package org.fedfhir.study;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A study as the sites and the aggregator execute it: immutable, validated, parsed from a
 * {@code PlanDefinition} by {@link StudyParser}. One record per study kind: {@link Training} (a
 * model) and {@link Statistics} (secure aggregate statistics); a later kind is one more record
 * here. What every kind declares is its {@link #core()}.
 */
public sealed interface StudyDefinition permits StudyDefinition.Training, StudyDefinition.Statistics {

  /** What every kind of study declares. */
  StudyCore core();

  StudyKind kind();

  /**
   * The model family of a study that trains a model; null for a kind that trains none. Callers
   * that know the kind read {@link Training#algorithm()}.
   */
  Algorithm algorithm();

  default String url() {
    return core().url();
  }

  default String version() {
    return core().version();
  }

  default String planDefinitionId() {
    return core().planDefinitionId();
  }

  default String name() {
    return core().name();
  }

  default String title() {
    return core().title();
  }

  default String status() {
    return core().status();
  }

  default StudyParameters parameters() {
    return core().parameters();
  }

  default MissingValuePolicy missingValuePolicy() {
    return core().missingValuePolicy();
  }

  default CohortCriteria cohort() {
    return core().cohort();
  }

  default List<Feature> features() {
    return core().features();
  }

  default Set<Code> labelCodes() {
    return core().labelCodes();
  }

  default List<String> featureNames() {
    return features().stream().map(Feature::name).toList();
  }

  /**
   * A training study: the sites train a model of {@code algorithm} on the feature matrix.
   *
   * @param algorithm the model family, required
   */
  record Training(StudyCore core, Algorithm algorithm) implements StudyDefinition {
    public Training {
      Objects.requireNonNull(core, "core");
      Objects.requireNonNull(algorithm, "a training study needs an algorithm");
    }

    @Override
    public StudyKind kind() {
      return StudyKind.TRAINING;
    }
  }

  /**
   * A statistics study: the sites contribute the declared statistics of the feature matrix.
   *
   * @param declarations the statistics, in the order of the concatenated vector, and the disclosure
   *     control
   * @param timeToEvent the index and event of each {@code kaplan-meier} statistic, by name
   */
  record Statistics(StudyCore core, StatisticsDeclarations.Study declarations,
      Map<String, TimeToEventDefinition> timeToEvent) implements StudyDefinition {
    public Statistics {
      Objects.requireNonNull(core, "core");
      Objects.requireNonNull(declarations, "declarations");
      timeToEvent = Collections.unmodifiableMap(new LinkedHashMap<>(timeToEvent));
    }

    @Override
    public StudyKind kind() {
      return StudyKind.STATISTICS;
    }

    /** A statistics study trains no model. */
    @Override
    public Algorithm algorithm() {
      return null;
    }
  }
}
