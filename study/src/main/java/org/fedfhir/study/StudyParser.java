package org.fedfhir.study;

import java.time.Period;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.federation.StudyLimits;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DataRequirement;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Type;

/**
 * Parses a study {@code PlanDefinition} ({@code docs/study-format.md}) into a {@link StudyDefinition},
 * checking every rule of the format. All issues are collected, not only the first. The one reader of
 * study PlanDefinitions: the sites, the aggregator and the guide's checks all parse here, a
 * statistics study's statistics with {@link StatisticsDeclarations}.
 */
public final class StudyParser implements StudyValidator {

  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final Set<String> GENDERS = Set.of("male", "female", "other", "unknown");

  @Override
  public List<StudyIssue> validate(PlanDefinition planDefinition) {
    List<StudyIssue> issues = new ArrayList<>();
    read(planDefinition, issues);
    return issues;
  }

  /** Parses, or throws with every issue found. */
  public StudyDefinition parse(PlanDefinition planDefinition) throws InvalidStudyException {
    List<StudyIssue> issues = new ArrayList<>();
    StudyDefinition study = read(planDefinition, issues);
    if (!issues.isEmpty()) {
      throw new InvalidStudyException(issues);
    }
    return study;
  }

  /** The study, or null when an issue was found. */
  private StudyDefinition read(PlanDefinition pd, List<StudyIssue> issues) {
    String p = "PlanDefinition";
    requireText(pd.getUrl(), p + ".url", issues);
    requireText(pd.getVersion(), p + ".version", issues);
    requireText(pd.getName(), p + ".name", issues);
    requireText(pd.getTitle(), p + ".title", issues);
    if (pd.getStatus() == null) {
      issues.add(new StudyIssue(p + ".status", "is required (draft | active | retired | unknown)"));
    }
    if (!pd.getType().hasCoding(StudyUrls.PLAN_TYPE_SYSTEM, "workflow-definition")) {
      issues.add(new StudyIssue(p + ".type",
          "must be " + StudyUrls.PLAN_TYPE_SYSTEM + "#workflow-definition"));
    }

    StudyKind kind = readKind(pd, issues);
    Algorithm algorithm = readAlgorithm(pd, kind, issues);
    StudyParameters parameters = readParameters(pd, issues);
    MissingValuePolicy policy = readPolicy(pd, issues);
    CohortCriteria cohort = readCohort(pd, issues);

    List<Feature> features = new ArrayList<>();
    Set<Code> labelCodes = new LinkedHashSet<>();
    if (pd.getAction().size() != 1) {
      issues.add(new StudyIssue(p + ".action",
          "must hold exactly 1 action (the model), found " + pd.getAction().size()));
    } else {
      PlanDefinition.PlanDefinitionActionComponent action = pd.getActionFirstRep();
      String a = p + ".action[0]";
      if (action.getInput().isEmpty()) {
        issues.add(new StudyIssue(a + ".input", "needs at least 1 feature (DataRequirement)"));
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < action.getInput().size(); i++) {
        Feature f = readFeature(action.getInput().get(i), a + ".input[" + i + "]", issues);
        if (f != null) {
          if (!names.add(f.name())) {
            issues.add(new StudyIssue(a + ".input[" + i + "].extension[feature].name",
                "feature name '" + f.name() + "' is used twice; names must be unique in the study"));
          } else {
            features.add(f);
          }
        }
      }
      readLabel(action, a, labelCodes, issues);
    }
    StatisticsDeclarations.Study declarations = null;
    Map<String, TimeToEventDefinition> timeToEvent = Map.of();
    if (kind == StudyKind.STATISTICS && pd.getAction().size() == 1) {
      try {
        declarations = StatisticsDeclarations.read(pd);
        timeToEvent = StatisticsDeclarations.timeToEvent(pd);
      } catch (IllegalArgumentException e) {
        issues.add(new StudyIssue(p + ".action[0].extension[statistic]", e.getMessage()));
      }
    }
    checkNetwork(pd, kind, algorithm, parameters, issues);
    CleanRoomProgram program = null;
    if (kind == StudyKind.CLEAN_ROOM && pd.getAction().size() == 1) {
      program = CleanRoomDeclarations.read(pd, issues);
    }
    checkVectorLength(kind, algorithm, parameters, features, declarations, issues);
    if (kind == StudyKind.STATISTICS && parameters.privacy() != null) {
      issues.add(new StudyIssue("PlanDefinition.extension[parameter]", "parameter 'dp-epsilon' is a training "
          + "study's; a statistics study declares ε per statistic"));
    }
    if (!issues.isEmpty()) {
      return null;
    }
    String id = pd.getIdElement().hasIdPart() ? pd.getIdElement().getIdPart() : null;
    StudyCore core = new StudyCore(pd.getUrl(), pd.getVersion(), id, pd.getName(), pd.getTitle(),
        pd.getStatus().toCode(), parameters, policy, cohort, features, labelCodes);
    return switch (kind) {
      case TRAINING -> new StudyDefinition.Training(core, algorithm);
      case STATISTICS -> new StudyDefinition.Statistics(core, declarations, timeToEvent);
      case CLEAN_ROOM -> new StudyDefinition.CleanRoom(core, program);
    };
  }

  private static StudyKind readKind(PlanDefinition pd, List<StudyIssue> issues) {
    return readCode(pd, StudyUrls.EXT_STUDY_KIND, "PlanDefinition.extension[studyKind]", StudyKind::fromCode,
        "training | statistics | clean-room", issues);
  }

  private static Algorithm readAlgorithm(PlanDefinition pd, StudyKind kind, List<StudyIssue> issues) {
    String loc = "PlanDefinition.extension[algorithm]";
    List<Extension> exts = pd.getExtensionsByUrl(StudyUrls.EXT_ALGORITHM);
    if (exts.isEmpty()) {
      if (kind == StudyKind.TRAINING) {
        issues.add(new StudyIssue(loc, "is required for a training study"));
      }
      return null;
    }
    Extension ext = single(exts, loc, issues);
    if (ext == null) {
      return null;
    }
    if (!(ext.getValue() instanceof Coding coding)) {
      issues.add(new StudyIssue(loc + ".value", "must be a Coding of " + StudyUrls.CS_ALGORITHM));
      return null;
    }
    Algorithm algorithm = Algorithm.fromCode(coding.getCode()).orElse(null);
    if (algorithm == null || !StudyUrls.CS_ALGORITHM.equals(coding.getSystem())) {
      issues.add(new StudyIssue(loc + ".value", "unknown algorithm " + coding.getSystem() + "#"
          + coding.getCode() + "; allowed: " + StudyUrls.CS_ALGORITHM + "#logistic-regression | #linear-svm"));
      return null;
    }
    return algorithm;
  }

  private static MissingValuePolicy readPolicy(PlanDefinition pd, List<StudyIssue> issues) {
    return readCode(pd, StudyUrls.EXT_MISSING_VALUE_POLICY, "PlanDefinition.extension[missingValuePolicy]",
        MissingValuePolicy::fromCode, "drop | impute-mean", issues);
  }

  /** The value of a required code extension that appears once, or null with an issue. */
  private static <T> T readCode(PlanDefinition pd, String url, String loc,
      java.util.function.Function<String, java.util.Optional<T>> fromCode, String allowed, List<StudyIssue> issues) {
    Extension ext = single(pd.getExtensionsByUrl(url), loc, issues);
    if (ext == null) {
      return null;
    }
    String code = primitive(ext.getValue());
    T value = code == null ? null : fromCode.apply(code).orElse(null);
    if (value == null) {
      issues.add(new StudyIssue(loc + ".value", "must be a code: " + allowed + ", found " + code));
    }
    return value;
  }

  private static CohortCriteria readCohort(PlanDefinition pd, List<StudyIssue> issues) {
    List<Extension> exts = pd.getExtensionsByUrl(StudyUrls.EXT_COHORT);
    String loc = "PlanDefinition.extension[cohort]";
    if (exts.isEmpty()) {
      return CohortCriteria.ANYONE;
    }
    if (exts.size() > 1) {
      issues.add(new StudyIssue(loc, "may appear at most once, found " + exts.size()));
      return CohortCriteria.ANYONE;
    }
    Extension ext = exts.get(0);
    Integer minAge = readAge(ext, "minAge", loc, issues);
    Integer maxAge = readAge(ext, "maxAge", loc, issues);
    if (minAge != null && maxAge != null && minAge > maxAge) {
      issues.add(new StudyIssue(loc + ".extension[minAge]",
          "minAge " + minAge + " exceeds maxAge " + maxAge));
    }
    Set<String> sexes = new LinkedHashSet<>();
    for (Extension sex : ext.getExtensionsByUrl("sex")) {
      String code = primitive(sex.getValue());
      if (code == null || !GENDERS.contains(code)) {
        issues.add(new StudyIssue(loc + ".extension[sex].value",
            "must be an administrative-gender code (male | female | other | unknown), found " + code));
      } else {
        sexes.add(code);
      }
    }
    return new CohortCriteria(minAge, maxAge, sexes);
  }

  private static Integer readAge(Extension cohort, String name, String loc, List<StudyIssue> issues) {
    List<Extension> e = cohort.getExtensionsByUrl(name);
    if (e.isEmpty()) {
      return null;
    }
    if (!(e.get(0).getValue() instanceof IntegerType age) || age.getValue() == null || age.getValue() < 0) {
      issues.add(new StudyIssue(loc + ".extension[" + name + "].value", "must be an integer ≥ 0 (years)"));
      return null;
    }
    return age.getValue();
  }

  private static StudyParameters readParameters(PlanDefinition pd, List<StudyIssue> issues) {
    StudyParameters d = StudyParameters.DEFAULTS;
    int rounds = d.rounds();
    int epochs = d.localEpochs();
    double lr = d.learningRate();
    double l2 = d.l2();
    long seed = d.seed();
    double testFraction = d.testFraction();
    int minSites = d.minSites();
    Integer threshold = d.threshold();
    Strategy strategy = d.strategy();
    double mu = d.proximalMu();
    double serverLr = d.serverLearningRate();
    boolean share = d.shareModelWithOwner();
    int precision = d.predictionPrecision();
    Double dpEpsilon = null;
    double dpDelta = TrainingPrivacy.DEFAULT_DELTA;
    double dpClip = TrainingPrivacy.DEFAULT_CLIP;
    TrainingPrivacy.Unit dpUnit = TrainingPrivacy.Unit.RECORD;
    String dpLoc = null;
    List<Integer> hiddenLayers = d.hiddenLayers();
    double dropout = d.dropout();
    String minSitesLoc = null;
    String thresholdLoc = null;
    Set<String> seen = new HashSet<>();
    List<Extension> exts = pd.getExtensionsByUrl(StudyUrls.EXT_PARAMETER);
    for (int i = 0; i < exts.size(); i++) {
      String loc = "PlanDefinition.extension[parameter][" + i + "]";
      Extension ext = exts.get(i);
      String name = ext.getExtensionsByUrl("name").isEmpty()
          ? null : primitive(ext.getExtensionsByUrl("name").get(0).getValue());
      Type value = ext.getExtensionsByUrl("value").isEmpty()
          ? null : ext.getExtensionsByUrl("value").get(0).getValue();
      if (name == null) {
        issues.add(new StudyIssue(loc + ".extension[name]", "is required (a study-parameter code)"));
        continue;
      }
      if (!seen.add(name)) {
        issues.add(new StudyIssue(loc + ".extension[name]", "parameter '" + name + "' is given twice"));
        continue;
      }
      String vloc = loc + ".extension[value]";
      if (value == null) {
        issues.add(new StudyIssue(vloc, "is required for parameter '" + name + "'"));
        continue;
      }
      switch (name) {
        case "rounds" -> rounds = intBetween(value, 1, StudyLimits.MAX_ROUNDS, name, vloc, issues, rounds);
        case "local-epochs" -> epochs = intBetween(value, 1, StudyLimits.MAX_LOCAL_EPOCHS, name, vloc, issues, epochs);
        case "min-sites" -> {
          minSites = intBetween(value, 2, StudyLimits.MAX_SITES, name, vloc, issues, minSites);
          minSitesLoc = vloc;
        }
        case "threshold" -> {
          threshold = intBetween(value, 2, StudyLimits.MAX_SITES, name, vloc, issues, 2);
          thresholdLoc = vloc;
        }
        case "seed" -> seed = intAtLeast(value, Integer.MIN_VALUE, name, vloc, issues, (int) seed);
        case "learning-rate" -> lr = decimal(value, name, vloc, issues, lr, v -> v > 0, "> 0");
        case "server-learning-rate" -> serverLr = decimal(value, name, vloc, issues, serverLr, v -> v > 0, "> 0");
        case "l2" -> l2 = decimal(value, name, vloc, issues, l2, v -> v >= 0, "≥ 0");
        case "proximal-mu" -> mu = decimal(value, name, vloc, issues, mu, v -> v >= 0, "≥ 0");
        case "test-fraction" -> testFraction =
            decimal(value, name, vloc, issues, testFraction, v -> v > 0 && v < 1, "in (0, 1)");
        case "prediction-precision" -> {
          // applied by the TEE model service (the aggregator provisions it with the model); checked here
          int decimals = intAtLeast(value, 1, name, vloc, issues, precision);
          if (decimals > 6) {
            issues.add(new StudyIssue(vloc, "parameter 'prediction-precision' is 1 to 6 decimals, got " + decimals));
          } else {
            precision = decimals;
          }
        }
        case "share-model-with-owner" -> {
          if (value instanceof BooleanType b && b.getValue() != null) {
            share = b.getValue();
          } else {
            issues.add(new StudyIssue(vloc, "parameter 'share-model-with-owner' needs valueBoolean"));
          }
        }
        case "dp-epsilon" -> {
          dpEpsilon = decimal(value, name, vloc, issues, 1.0, v -> v > 0 && Double.isFinite(v), "> 0");
          dpLoc = vloc;
        }
        case "dp-delta" -> dpDelta = decimal(value, name, vloc, issues, dpDelta, v -> v > 0 && v < 1, "in (0, 1)");
        case "dp-clip" -> dpClip = decimal(value, name, vloc, issues, dpClip, v -> v > 0 && Double.isFinite(v), "> 0");
        case "dp-unit" -> {
          if (value instanceof CodeType c && TrainingPrivacy.Unit.fromCode(c.getValue()).isPresent()) {
            dpUnit = TrainingPrivacy.Unit.fromCode(c.getValue()).get();
          } else {
            issues.add(new StudyIssue(vloc, "parameter 'dp-unit' needs valueCode, one of record | site"));
          }
        }
        case "hidden-layers" -> {
          if (value instanceof org.hl7.fhir.r4.model.StringType s && s.getValue() != null) {
            try {
              hiddenLayers = NeuralNetwork.parseWidths(s.getValue());
            } catch (IllegalArgumentException e) {
              issues.add(new StudyIssue(vloc, "parameter 'hidden-layers' " + e.getMessage()));
            }
          } else {
            issues.add(new StudyIssue(vloc, "parameter 'hidden-layers' needs valueString, 1 or 2 widths 1.."
                + NeuralNetwork.MAX_WIDTH + " separated by a comma, e.g. \"32,16\""));
          }
        }
        case "dropout" -> dropout = decimal(value, name, vloc, issues, dropout, v -> v >= 0 && v < 1, "in [0, 1)");
        case "strategy" -> {
          if (value instanceof CodeType c && Strategy.isCode(c.getValue())) {
            strategy = Strategy.fromCode(c.getValue());
          } else {
            issues.add(new StudyIssue(vloc, "parameter 'strategy' needs valueCode, one of " + Strategy.codes()));
          }
        }
        default -> issues.add(new StudyIssue(loc + ".extension[name]", "unknown study parameter '" + name
            + "' (see " + StudyUrls.CS_STUDY_PARAMETER + ")"));
      }
    }
    if (thresholdLoc != null && threshold > minSites) {
      // A round starts with min-sites sites; a threshold above them can never be met by the sites the study needs.
      issues.add(new StudyIssue(thresholdLoc, "parameter 'threshold' is " + threshold + " but 'min-sites' is "
          + minSites + (minSitesLoc == null ? " (the default)" : "") + "; need 2 ≤ threshold ≤ min-sites"));
    }
    TrainingPrivacy privacy = privacy(dpEpsilon, dpDelta, dpClip, dpUnit, dpLoc, seen, strategy, lr, issues);
    return new StudyParameters(rounds, epochs, lr, l2, seed, testFraction, minSites, threshold, strategy, mu,
        serverLr, share, precision, privacy, hiddenLayers, dropout);
  }

  /**
   * The study's differential privacy, or null: {@code dp-delta}, {@code dp-clip} and {@code dp-unit}
   * only with {@code dp-epsilon}; only for the strategies whose payload is the weighted model (a
   * DP round is one clipped gradient step, which FedAvg and the server optimisers average):
   * {@code newton} would need noise on d(d+1)/2 information entries whose sensitivity grows with
   * the features, and {@code fedprox}'s proximal local epochs have no per-record bound.
   */
  private static TrainingPrivacy privacy(Double epsilon, double delta, double clip, TrainingPrivacy.Unit unit,
      String loc, Set<String> seen, Strategy strategy, double learningRate, List<StudyIssue> issues) {
    if (epsilon == null) {
      for (String name : List.of("dp-delta", "dp-clip", "dp-unit")) {
        if (seen.contains(name)) {
          issues.add(new StudyIssue("PlanDefinition.extension[parameter]", "parameter '" + name
              + "' needs 'dp-epsilon' (the study's privacy budget)"));
        }
      }
      return null;
    }
    if (strategy == Strategy.NEWTON || strategy == Strategy.FEDPROX) {
      issues.add(new StudyIssue(loc, "differential privacy is offered for fedavg, fedadam, fedadagrad and fedyogi; "
          + "strategy '" + strategy.code() + "' has no clipped per-record update to noise"));
      return null;
    }
    try {
      TrainingPrivacy privacy = new TrainingPrivacy(epsilon, delta, clip, unit);
      privacy.step(learningRate);
      return privacy;
    } catch (IllegalArgumentException e) {
      issues.add(new StudyIssue(loc, e.getMessage()));
      return null;
    }
  }

  /**
   * {@code hidden-layers} and {@code dropout} belong to an {@code mlp} study; an {@code mlp} study
   * trains under a weighted-model strategy ({@code newton} and {@code fedprox} compute logistic
   * regression's score, information or proximal step at the sites).
   */
  private static void checkNetwork(PlanDefinition pd, StudyKind kind, Algorithm algorithm, StudyParameters parameters,
      List<StudyIssue> issues) {
    if (algorithm != Algorithm.MLP) {
      for (String name : List.of("hidden-layers", "dropout")) {
        if (declares(pd, name)) {
          issues.add(new StudyIssue("PlanDefinition.extension[parameter]", "parameter '" + name + "' is for algorithm "
              + "mlp; this " + (kind == StudyKind.STATISTICS ? "statistics study" : "study's algorithm is "
              + (algorithm == null ? "missing" : algorithm.code()))));
        }
      }
    } else if (parameters.strategy().needsLogisticRegression()) {
      issues.add(new StudyIssue("PlanDefinition.extension[algorithm]", "algorithm mlp trains under fedavg, fedadam, "
          + "fedadagrad or fedyogi; strategy '" + parameters.strategy().code() + "' is for logistic regression only"));
    }
  }

  private static boolean declares(PlanDefinition pd, String parameter) {
    return pd.getExtensionsByUrl(StudyUrls.EXT_PARAMETER).stream()
        .flatMap(e -> e.getExtensionsByUrl("name").stream())
        .anyMatch(n -> parameter.equals(primitive(n.getValue())));
  }

  /**
   * A site's contribution to a round must fit {@link StudyLimits#MAX_VECTOR_LENGTH}: a training
   * study's TRAIN payload (features and strategy), a statistics study's declared statistics.
   */
  private static void checkVectorLength(StudyKind kind, Algorithm algorithm, StudyParameters parameters,
      List<Feature> features, StatisticsDeclarations.Study declarations, List<StudyIssue> issues) {
    if (kind == StudyKind.TRAINING && !features.isEmpty()) {
      NeuralNetwork network = algorithm == Algorithm.MLP
          ? new NeuralNetwork(features.size(), parameters.hiddenLayers(), parameters.seed()) : null;
      long length = StudyLimits.trainingVectorLength(parameters.strategy(), features.size(), network);
      if (length > StudyLimits.MAX_VECTOR_LENGTH) {
        issues.add(new StudyIssue("PlanDefinition.action[0].input", features.size() + " features under strategy '"
            + parameters.strategy().code() + "' make a payload of " + length + " values; at most "
            + StudyLimits.MAX_VECTOR_LENGTH + " (StudyLimits)"));
      }
    } else if (kind == StudyKind.STATISTICS && declarations != null
        && declarations.length() > StudyLimits.MAX_VECTOR_LENGTH) {
      issues.add(new StudyIssue("PlanDefinition.action[0].extension[statistic]", "the statistics make a vector of "
          + declarations.length() + " values; at most " + StudyLimits.MAX_VECTOR_LENGTH + " (StudyLimits)"));
    }
  }

  private static int intBetween(Type value, int min, int max, String name, String loc, List<StudyIssue> issues,
      int fallback) {
    int v = intAtLeast(value, min, name, loc, issues, fallback);
    if (v > max) {
      issues.add(new StudyIssue(loc, "parameter '" + name + "' is " + v + "; at most " + max + " (StudyLimits)"));
      return fallback;
    }
    return v;
  }

  private static int intAtLeast(Type value, int min, String name, String loc, List<StudyIssue> issues,
      int fallback) {
    if (!(value instanceof IntegerType i) || i.getValue() == null) {
      issues.add(new StudyIssue(loc, "parameter '" + name + "' needs valueInteger"));
      return fallback;
    }
    if (i.getValue() < min) {
      issues.add(new StudyIssue(loc, "parameter '" + name + "' is " + i.getValue() + "; need ≥ " + min));
      return fallback;
    }
    return i.getValue();
  }

  private static double decimal(Type value, String name, String loc, List<StudyIssue> issues, double fallback,
      java.util.function.DoublePredicate ok, String range) {
    if (!(value instanceof DecimalType d) || d.getValue() == null) {
      issues.add(new StudyIssue(loc, "parameter '" + name + "' needs valueDecimal"));
      return fallback;
    }
    double v = d.getValue().doubleValue();
    if (!ok.test(v)) {
      issues.add(new StudyIssue(loc, "parameter '" + name + "' is " + v + "; need " + range));
      return fallback;
    }
    return v;
  }

  private static Feature readFeature(DataRequirement input, String loc, List<StudyIssue> issues) {
    int before = issues.size();
    FeatureSource source;
    String type = input.getType();
    if ("Observation".equals(type)) {
      source = FeatureSource.OBSERVATION;
    } else if ("Condition".equals(type)) {
      source = FeatureSource.CONDITION;
    } else if ("Patient".equals(type)) {
      source = null; // decided by the name below
    } else {
      issues.add(new StudyIssue(loc + ".type", "must be Observation, Condition or Patient, found " + type));
      return null;
    }
    List<Extension> featureExts = input.getExtensionsByUrl(StudyUrls.EXT_FEATURE);
    String floc = loc + ".extension[feature]";
    if (featureExts.size() != 1) {
      issues.add(new StudyIssue(floc, "must appear exactly once, found " + featureExts.size()));
      return null;
    }
    Extension fe = featureExts.get(0);
    String name = fe.getExtensionsByUrl("name").isEmpty() ? null : primitive(fe.getExtensionsByUrl("name").get(0)
        .getValue());
    if (name == null || name.isBlank()) {
      issues.add(new StudyIssue(floc + ".name", "is required (the model's column name)"));
    } else if (!FHIR_ID.matcher(name).matches()) {
      issues.add(new StudyIssue(floc + ".name", "'" + name + "' is not an id (letters, digits, '-', '.', ≤ 64)"));
    }
    Code code = null;
    if (source == null) {
      if ("age".equals(name)) {
        source = FeatureSource.PATIENT_AGE;
      } else if ("sex".equals(name)) {
        source = FeatureSource.PATIENT_SEX;
      } else {
        issues.add(new StudyIssue(floc + ".name", "a Patient feature must be named 'age' or 'sex', found "
            + name));
      }
    } else {
      if (input.getCodeFilter().isEmpty() || !"code".equals(input.getCodeFilterFirstRep().getPath())
          || input.getCodeFilterFirstRep().getCode().isEmpty()) {
        issues.add(new StudyIssue(loc + ".codeFilter[0]", "needs path = 'code' and at least one code"));
      } else {
        Coding c = input.getCodeFilterFirstRep().getCodeFirstRep();
        if (!c.hasSystem() || !c.hasCode()) {
          issues.add(new StudyIssue(loc + ".codeFilter[0].code[0]", "needs both system and code"));
        } else {
          code = new Code(c.getSystem(), c.getCode());
        }
      }
    }
    String unit = null;
    List<Extension> units = fe.getExtensionsByUrl("unit");
    if (!units.isEmpty()) {
      if (!(units.get(0).getValue() instanceof Coding u) || !StudyUrls.UCUM.equals(u.getSystem())
          || !u.hasCode()) {
        issues.add(new StudyIssue(floc + ".unit", "must be a Coding with system " + StudyUrls.UCUM
            + " and a code"));
      } else {
        unit = u.getCode();
      }
    }
    Summary summary = Summary.LATEST;
    List<Extension> summaries = fe.getExtensionsByUrl("summary");
    if (!summaries.isEmpty()) {
      String s = primitive(summaries.get(0).getValue());
      summary = s == null ? null : Summary.fromCode(s).orElse(null);
      if (summary == null) {
        issues.add(new StudyIssue(floc + ".summary", "must be latest | mean | min | max, found " + s));
      }
    }
    Period lookback = null;
    List<Extension> lookbacks = fe.getExtensionsByUrl("lookback");
    if (!lookbacks.isEmpty()) {
      lookback = readLookback(lookbacks.get(0).getValue(), floc + ".lookback", issues);
    }
    boolean required = false;
    List<Extension> req = fe.getExtensionsByUrl("required");
    if (!req.isEmpty()) {
      if (req.get(0).getValue() instanceof BooleanType b && b.getValue() != null) {
        required = b.getValue();
      } else {
        issues.add(new StudyIssue(floc + ".required", "must be valueBoolean"));
      }
    }
    if (issues.size() > before) {
      return null;
    }
    return new Feature(name, source, code, unit, summary, lookback, required);
  }

  private static final Map<String, String> DURATION_UNITS = Map.of("a", "years", "mo", "months", "wk", "weeks",
      "d", "days");

  private static Period readLookback(Type value, String loc, List<StudyIssue> issues) {
    if (!(value instanceof Duration d) || d.getValue() == null || d.getValue().signum() <= 0
        || d.getValue().stripTrailingZeros().scale() > 0) {
      issues.add(new StudyIssue(loc, "must be a valueDuration with a positive whole number"));
      return null;
    }
    if (!StudyUrls.UCUM.equals(d.getSystem()) || !DURATION_UNITS.containsKey(d.getCode())) {
      issues.add(new StudyIssue(loc, "unit must be UCUM a | mo | wk | d, found " + d.getSystem() + "#" + d.getCode()));
      return null;
    }
    int n = d.getValue().intValueExact();
    return switch (d.getCode()) {
      case "a" -> Period.ofYears(n);
      case "mo" -> Period.ofMonths(n);
      case "wk" -> Period.ofWeeks(n);
      default -> Period.ofDays(n);
    };
  }

  private static void readLabel(PlanDefinition.PlanDefinitionActionComponent action, String a, Set<Code> codes,
      List<StudyIssue> issues) {
    if (action.getOutput().size() != 1) {
      issues.add(new StudyIssue(a + ".output", "must hold exactly 1 DataRequirement (the label), found "
          + action.getOutput().size()));
      return;
    }
    DataRequirement out = action.getOutputFirstRep();
    if (!"Condition".equals(out.getType())) {
      issues.add(new StudyIssue(a + ".output[0].type", "must be Condition, found " + out.getType()));
      return;
    }
    if (out.getCodeFilter().isEmpty() || !"code".equals(out.getCodeFilterFirstRep().getPath())
        || out.getCodeFilterFirstRep().getCode().isEmpty()) {
      issues.add(new StudyIssue(a + ".output[0].codeFilter[0]", "needs path = 'code' and at least one code"));
      return;
    }
    List<Coding> cs = out.getCodeFilterFirstRep().getCode();
    for (int i = 0; i < cs.size(); i++) {
      Coding c = cs.get(i);
      if (!c.hasSystem() || !c.hasCode()) {
        issues.add(new StudyIssue(a + ".output[0].codeFilter[0].code[" + i + "]", "needs both system and code"));
      } else {
        codes.add(new Code(c.getSystem(), c.getCode()));
      }
    }
  }

  private static Extension single(List<Extension> exts, String loc, List<StudyIssue> issues) {
    if (exts.size() != 1) {
      issues.add(new StudyIssue(loc, exts.isEmpty() ? "is required" : "must appear once, found " + exts.size()));
      return null;
    }
    return exts.get(0);
  }

  private static String primitive(Type value) {
    if (value instanceof PrimitiveType<?> p && p.hasValue()) {
      return p.getValueAsString();
    }
    return null;
  }

  private static void requireText(String value, String loc, List<StudyIssue> issues) {
    if (value == null || value.isBlank()) {
      issues.add(new StudyIssue(loc, "is required"));
    }
  }

}
