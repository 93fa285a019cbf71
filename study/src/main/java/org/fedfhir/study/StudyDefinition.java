package org.fedfhir.study;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.fedfhir.federation.NeuralNetwork;

/**
 * A study as the sites and the aggregator execute it: immutable, validated, parsed from a
 * {@code PlanDefinition} by {@link StudyParser}. One record per study kind: {@link Training} (a
 * model), {@link Statistics} (secure aggregate statistics) and {@link CleanRoom} (an approved
 * program run in the TEE); a later kind is one more record here. What every kind declares is its {@link #core()}. A study made in code rather than parsed
 * comes from {@link #builder}, which checks the same rules as the parser.
 */
public sealed interface StudyDefinition
    permits StudyDefinition.Training, StudyDefinition.Statistics, StudyDefinition.CleanRoom {

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

  /** A builder of a study with this canonical URL and version. */
  static Builder builder(String url, String version) {
    return new Builder(url, version);
  }

  /**
   * Builds a study made in code; every rule the parser checks on these values is checked here, with
   * the parser's locations and reasons. Parameters default to {@link StudyParameters#DEFAULTS}, the
   * cohort to {@link CohortCriteria#ANYONE}, the status to {@code active}.
   */
  final class Builder {
    private final String url;
    private final String version;
    private String planDefinitionId;
    private String name;
    private String title;
    private String status = "active";
    private StudyParameters parameters = StudyParameters.DEFAULTS;
    private MissingValuePolicy missingValuePolicy;
    private CohortCriteria cohort = CohortCriteria.ANYONE;
    private List<Feature> features = List.of();
    private Set<Code> labelCodes = Set.of();

    private Builder(String url, String version) {
      this.url = url;
      this.version = version;
    }

    public Builder planDefinitionId(String id) {
      this.planDefinitionId = id;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder status(String status) {
      this.status = status;
      return this;
    }

    public Builder parameters(StudyParameters parameters) {
      this.parameters = parameters;
      return this;
    }

    public Builder missingValuePolicy(MissingValuePolicy policy) {
      this.missingValuePolicy = policy;
      return this;
    }

    public Builder cohort(CohortCriteria cohort) {
      this.cohort = cohort;
      return this;
    }

    public Builder features(List<Feature> features) {
      this.features = List.copyOf(features);
      return this;
    }

    public Builder labelCodes(Set<Code> labelCodes) {
      this.labelCodes = Set.copyOf(labelCodes);
      return this;
    }

    /** @throws InvalidStudyException with every rule broken, e.g. no algorithm */
    public Training training(Algorithm algorithm) throws InvalidStudyException {
      List<StudyIssue> issues = issues();
      if (algorithm == null) {
        issues.add(new StudyIssue("PlanDefinition.extension[algorithm]", "is required for a training study"));
      }
      throwIfAny(issues);
      return new Training(core(), algorithm);
    }

    /** @throws InvalidStudyException with every rule broken, e.g. no statistic */
    public Statistics statistics(StatisticsDeclarations.Study declarations,
        Map<String, TimeToEventDefinition> timeToEvent) throws InvalidStudyException {
      List<StudyIssue> issues = issues();
      if (declarations == null || declarations.statistics().isEmpty()) {
        issues.add(new StudyIssue("PlanDefinition.action[0].extension[statistic]",
            "a statistics study declares at least one statistic"));
      }
      throwIfAny(issues);
      return new Statistics(core(), declarations, timeToEvent);
    }

    private StudyCore core() {
      return new StudyCore(url, version, planDefinitionId, name, title, status, parameters, missingValuePolicy,
          cohort, features, labelCodes);
    }

    private List<StudyIssue> issues() {
      List<StudyIssue> issues = new java.util.ArrayList<>();
      String p = "PlanDefinition";
      for (String[] text : new String[][] {{url, ".url"}, {version, ".version"}, {name, ".name"},
          {title, ".title"}}) {
        if (text[0] == null || text[0].isBlank()) {
          issues.add(new StudyIssue(p + text[1], "is required"));
        }
      }
      if (status == null) {
        issues.add(new StudyIssue(p + ".status", "is required (draft | active | retired | unknown)"));
      }
      if (parameters == null) {
        issues.add(new StudyIssue(p + ".extension[parameter]", "is required (StudyParameters.DEFAULTS if none)"));
      }
      if (missingValuePolicy == null) {
        issues.add(new StudyIssue(p + ".extension[missingValuePolicy]", "is required"));
      }
      if (cohort == null) {
        issues.add(new StudyIssue(p + ".extension[cohort]", "is required (CohortCriteria.ANYONE if none)"));
      }
      if (features.isEmpty()) {
        issues.add(new StudyIssue(p + ".action[0].input", "needs at least 1 feature (DataRequirement)"));
      }
      Set<String> names = new java.util.HashSet<>();
      for (int i = 0; i < features.size(); i++) {
        if (!names.add(features.get(i).name())) {
          issues.add(new StudyIssue(p + ".action[0].input[" + i + "].extension[feature].name", "feature name '"
              + features.get(i).name() + "' is used twice; names must be unique in the study"));
        }
      }
      if (labelCodes.isEmpty()) {
        issues.add(new StudyIssue(p + ".action[0].output[0].codeFilter[0]",
            "needs path = 'code' and at least one code"));
      }
      return issues;
    }

    private static void throwIfAny(List<StudyIssue> issues) throws InvalidStudyException {
      if (!issues.isEmpty()) {
        throw new InvalidStudyException(issues);
      }
    }
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

    /**
     * The network of an {@code mlp} study: its features in, {@code hidden-layers}, initial weights
     * from the study {@code seed}; null for a linear model.
     */
    public NeuralNetwork network() {
      return algorithm == Algorithm.MLP
          ? new NeuralNetwork(features().size(), parameters().hiddenLayers(), parameters().seed()) : null;
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

  /**
   * A clean-room study: each site seals its feature rows (and label) to the attested TEE, which runs
   * the approved {@code program} over the pooled rows and releases only its disclosure-checked result.
   *
   * @param program the module, its hash, source, declared outputs and disclosure rule
   */
  record CleanRoom(StudyCore core, CleanRoomProgram program) implements StudyDefinition {
    public CleanRoom {
      Objects.requireNonNull(core, "core");
      Objects.requireNonNull(program, "a clean-room study needs a program");
    }

    @Override
    public StudyKind kind() {
      return StudyKind.CLEAN_ROOM;
    }

    /** The researcher's X25519 public key the enclave seals the result to (covered by the study digest). */
    public byte[] resultKey() {
      return program.resultKey();
    }

    /** A clean-room study trains no model of a FedFHIR algorithm. */
    @Override
    public Algorithm algorithm() {
      return null;
    }
  }
}
