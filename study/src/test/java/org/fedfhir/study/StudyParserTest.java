package org.fedfhir.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Period;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.fedfhir.federation.StudyLimits;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DataRequirement;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StudyParserTest {
  final StudyParser parser = new StudyParser();

  static PlanDefinition reference() {
    try (InputStream in = StudyParserTest.class.getResourceAsStream("/studies/heart-disease-lr.json")) {
      return FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DataRequirement input(PlanDefinition pd, int i) {
    return pd.getActionFirstRep().getInput().get(i);
  }

  static Extension feature(PlanDefinition pd, int i) {
    return input(pd, i).getExtensionByUrl(StudyUrls.EXT_FEATURE);
  }

  static Extension featurePart(PlanDefinition pd, int i, String part) {
    Extension f = feature(pd, i);
    Extension e = f.getExtensionByUrl(part);
    return e != null ? e : f.addExtension().setUrl(part);
  }

  static Extension parameter(PlanDefinition pd, String name, org.hl7.fhir.r4.model.Type value) {
    Extension e = pd.addExtension().setUrl(StudyUrls.EXT_PARAMETER);
    e.addExtension("name", new CodeType(name));
    e.addExtension("value", value);
    return e;
  }

  @Test
  void aStudyAtEveryLimitIsAccepted() throws Exception {
    PlanDefinition pd = reference();
    ((Extension) pd.getExtensionsByUrl(StudyUrls.EXT_PARAMETER).get(0).getExtensionByUrl("value"))
        .setValue(new IntegerType(StudyLimits.MAX_LOCAL_EPOCHS));
    parameter(pd, "rounds", new IntegerType(StudyLimits.MAX_ROUNDS));
    parameter(pd, "min-sites", new IntegerType(StudyLimits.MAX_SITES));
    parameter(pd, "threshold", new IntegerType(StudyLimits.MAX_SITES));
    StudyParameters p = parser.parse(pd).parameters();
    assertThat(p.localEpochs()).isEqualTo(StudyLimits.MAX_LOCAL_EPOCHS);
    assertThat(p.rounds()).isEqualTo(StudyLimits.MAX_ROUNDS);
    assertThat(p.minSites()).isEqualTo(StudyLimits.MAX_SITES);
    assertThat(p.threshold()).isEqualTo(StudyLimits.MAX_SITES);
  }

  @Test
  void referenceStudyParsesIntoTheStudyDefinition() throws Exception {
    StudyDefinition s = parser.parse(reference());
    assertThat(s.url()).isEqualTo("http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr");
    assertThat(s.planDefinitionId()).isEqualTo("heart-disease-lr");
    assertThat(s.kind()).isEqualTo(StudyKind.TRAINING);
    assertThat(s.algorithm()).isEqualTo(Algorithm.LOGISTIC_REGRESSION);
    assertThat(s.missingValuePolicy()).isEqualTo(MissingValuePolicy.IMPUTE_MEAN);
    assertThat(s.featureNames()).containsExactly("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
        "thalach", "exang", "oldpeak");
    assertThat(s.features().get(0).source()).isEqualTo(FeatureSource.PATIENT_AGE);
    assertThat(s.features().get(4).code()).isEqualTo(new Code(StudyUrls.LOINC, "2093-3"));
    assertThat(s.features().get(4).unit()).isEqualTo("mg/dL");
    assertThat(s.features().get(4).summary()).isEqualTo(Summary.LATEST);
    assertThat(s.labelCodes()).containsExactly(new Code(StudyUrls.SNOMED, "53741008"));
    assertThat(s.parameters().localEpochs()).isEqualTo(30);
    assertThat(s.parameters().rounds()).isEqualTo(20);
    assertThat(s.parameters().testFraction()).isEqualTo(0.34);
  }

  @Test
  void optionalFeaturePartsAreRead() throws Exception {
    PlanDefinition pd = reference();
    featurePart(pd, 3, "summary").setValue(new CodeType("mean"));
    featurePart(pd, 3, "lookback").setValue(new Duration().setValue(2).setSystem(StudyUrls.UCUM).setCode("a"));
    featurePart(pd, 3, "required").setValue(new BooleanType(true));
    Extension cohort = pd.addExtension().setUrl(StudyUrls.EXT_COHORT);
    cohort.addExtension("minAge", new IntegerType(40));
    cohort.addExtension("maxAge", new IntegerType(70));
    cohort.addExtension("sex", new CodeType("female"));
    StudyDefinition s = parser.parse(pd);
    assertThat(s.features().get(3).summary()).isEqualTo(Summary.MEAN);
    assertThat(s.features().get(3).lookback()).isEqualTo(Period.ofYears(2));
    assertThat(s.features().get(3).required()).isTrue();
    assertThat(s.cohort()).isEqualTo(new CohortCriteria(40, 70, java.util.Set.of("female")));
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        rule("url is required", pd -> pd.setUrl(null), "PlanDefinition.url", "required"),
        rule("version is required", pd -> pd.setVersion(null), "PlanDefinition.version", "required"),
        rule("name is required", pd -> pd.setName(null), "PlanDefinition.name", "required"),
        rule("title is required", pd -> pd.setTitle(" "), "PlanDefinition.title", "required"),
        rule("status is required", pd -> pd.setStatus(null), "PlanDefinition.status", "required"),
        rule("type must be workflow-definition", pd -> pd.getType().getCodingFirstRep().setCode("order-set"),
            "PlanDefinition.type", "workflow-definition"),
        rule("study kind is required", pd -> pd.getExtension().removeIf(e -> e.getUrl().equals(StudyUrls.EXT_STUDY_KIND)),
            "PlanDefinition.extension[studyKind]", "required"),
        rule("study kind must be known", pd -> pd.getExtensionByUrl(StudyUrls.EXT_STUDY_KIND)
            .setValue(new CodeType("gossip")), "PlanDefinition.extension[studyKind].value", "training | statistics"),
        rule("algorithm is required for training", pd -> pd.getExtension().removeIf(e -> e.getUrl().equals(StudyUrls.EXT_ALGORITHM)),
            "PlanDefinition.extension[algorithm]", "required for a training study"),
        rule("algorithm must be known", pd -> pd.getExtensionByUrl(StudyUrls.EXT_ALGORITHM)
            .setValue(new Coding(StudyUrls.CS_ALGORITHM, "random-forest", null)),
            "PlanDefinition.extension[algorithm].value", "unknown algorithm"),
        rule("missing-value policy is required", pd -> pd.getExtension().removeIf(e -> e.getUrl().equals(StudyUrls.EXT_MISSING_VALUE_POLICY)),
            "PlanDefinition.extension[missingValuePolicy]", "required"),
        rule("missing-value policy must be known", pd -> pd.getExtensionByUrl(StudyUrls.EXT_MISSING_VALUE_POLICY)
            .setValue(new CodeType("zero")), "PlanDefinition.extension[missingValuePolicy].value", "drop | impute-mean"),
        rule("parameter name must be known", pd -> parameter(pd, "momentum", new DecimalType(0.9)),
            "PlanDefinition.extension[parameter][4].extension[name]", "unknown study parameter 'momentum'"),
        rule("parameter may be given once", pd -> parameter(pd, "seed", new IntegerType(1)),
            "PlanDefinition.extension[parameter][4].extension[name]", "given twice"),
        rule("parameter value has one type", pd -> parameter(pd, "rounds", new DecimalType(2.5)),
            "PlanDefinition.extension[parameter][4].extension[value]", "needs valueInteger"),
        rule("parameter value must be in range", pd -> parameter(pd, "min-sites", new IntegerType(1)),
            "PlanDefinition.extension[parameter][4].extension[value]", "need ≥ 2"),
        rule("rounds are bounded", pd -> parameter(pd, "rounds", new IntegerType(StudyLimits.MAX_ROUNDS + 1)),
            "PlanDefinition.extension[parameter][4].extension[value]", "at most 1000"),
        rule("min-sites is bounded", pd -> parameter(pd, "min-sites", new IntegerType(1_000_000)),
            "PlanDefinition.extension[parameter][4].extension[value]", "at most 1000"),
        rule("threshold is bounded", pd -> parameter(pd, "threshold", new IntegerType(StudyLimits.MAX_SITES + 1)),
            "PlanDefinition.extension[parameter][4].extension[value]", "at most 1000"),
        rule("local epochs are bounded", pd -> ((Extension) pd.getExtensionsByUrl(StudyUrls.EXT_PARAMETER)
            .get(0).getExtensionByUrl("value")).setValue(new IntegerType(StudyLimits.MAX_LOCAL_EPOCHS + 1)),
            "PlanDefinition.extension[parameter][0].extension[value]", "at most 1000"),
        rule("prediction precision is 1 to 6 decimals", pd -> parameter(pd, "prediction-precision", new IntegerType(9)),
            "PlanDefinition.extension[parameter][4].extension[value]", "1 to 6 decimals"),
        rule("test fraction must be in (0, 1)", pd -> ((Extension) pd.getExtensionsByUrl(StudyUrls.EXT_PARAMETER)
            .get(3).getExtensionByUrl("value")).setValue(new DecimalType(1.5)),
            "PlanDefinition.extension[parameter][3].extension[value]", "in (0, 1)"),
        rule("cohort minAge must not exceed maxAge", pd -> {
          Extension c = pd.addExtension().setUrl(StudyUrls.EXT_COHORT);
          c.addExtension("minAge", new IntegerType(70));
          c.addExtension("maxAge", new IntegerType(40));
        }, "PlanDefinition.extension[cohort].extension[minAge]", "exceeds maxAge"),
        rule("cohort sex must be an administrative gender", pd -> pd.addExtension().setUrl(StudyUrls.EXT_COHORT)
            .addExtension("sex", new CodeType("M")), "PlanDefinition.extension[cohort].extension[sex].value",
            "administrative-gender"),
        rule("exactly one action", pd -> pd.addAction(), "PlanDefinition.action", "exactly 1 action"),
        rule("at least one input", pd -> pd.getActionFirstRep().getInput().clear(), "PlanDefinition.action[0].input",
            "at least 1 feature"),
        rule("input type must be Observation, Condition or Patient", pd -> input(pd, 2).setType("Encounter"),
            "PlanDefinition.action[0].input[2].type", "Observation, Condition or Patient"),
        rule("observation feature needs a code filter", pd -> input(pd, 2).getCodeFilter().clear(),
            "PlanDefinition.action[0].input[2].codeFilter[0]", "path = 'code'"),
        rule("code needs system and code", pd -> input(pd, 2).getCodeFilterFirstRep().getCodeFirstRep()
            .setSystem(null), "PlanDefinition.action[0].input[2].codeFilter[0].code[0]", "both system and code"),
        rule("feature extension is required", pd -> input(pd, 2).removeExtension(StudyUrls.EXT_FEATURE),
            "PlanDefinition.action[0].input[2].extension[feature]", "exactly once"),
        rule("feature name is required", pd -> feature(pd, 2).removeExtension("name"),
            "PlanDefinition.action[0].input[2].extension[feature].name", "required"),
        rule("feature name must be an id", pd -> featurePart(pd, 2, "name").setValue(new StringType("chest pain")),
            "PlanDefinition.action[0].input[2].extension[feature].name", "is not an id"),
        rule("feature names are unique", pd -> featurePart(pd, 3, "name").setValue(new StringType("cp")),
            "PlanDefinition.action[0].input[3].extension[feature].name", "used twice"),
        rule("patient feature is age or sex", pd -> featurePart(pd, 0, "name").setValue(new StringType("height")),
            "PlanDefinition.action[0].input[0].extension[feature].name", "'age' or 'sex'"),
        rule("unit must be UCUM", pd -> featurePart(pd, 4, "unit").setValue(new Coding("http://example.org", "mgdl",
            null)), "PlanDefinition.action[0].input[4].extension[feature].unit", "http://unitsofmeasure.org"),
        rule("summary must be known", pd -> featurePart(pd, 4, "summary").setValue(new CodeType("median")),
            "PlanDefinition.action[0].input[4].extension[feature].summary", "latest | mean | min | max"),
        rule("lookback must be a positive whole duration", pd -> featurePart(pd, 4, "lookback")
            .setValue(new Duration().setValue(-1).setSystem(StudyUrls.UCUM).setCode("a")),
            "PlanDefinition.action[0].input[4].extension[feature].lookback", "positive whole number"),
        rule("lookback unit must be a UCUM calendar unit", pd -> featurePart(pd, 4, "lookback")
            .setValue(new Duration().setValue(3).setSystem(StudyUrls.UCUM).setCode("s")),
            "PlanDefinition.action[0].input[4].extension[feature].lookback", "a | mo | wk | d"),
        rule("required must be boolean", pd -> featurePart(pd, 4, "required").setValue(new CodeType("yes")),
            "PlanDefinition.action[0].input[4].extension[feature].required", "valueBoolean"),
        rule("exactly one output", pd -> pd.getActionFirstRep().addOutput().setType("Condition"),
            "PlanDefinition.action[0].output", "exactly 1"),
        rule("output must be a Condition", pd -> pd.getActionFirstRep().getOutputFirstRep().setType("Observation"),
            "PlanDefinition.action[0].output[0].type", "must be Condition"),
        rule("output needs codes", pd -> pd.getActionFirstRep().getOutputFirstRep().getCodeFilterFirstRep()
            .getCode().clear(), "PlanDefinition.action[0].output[0].codeFilter[0]", "at least one code"));
  }

  static Arguments rule(String name, Consumer<PlanDefinition> breakIt, String location, String reason) {
    return Arguments.of(name, breakIt, location, reason);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void invalidDefinitionIsRefusedNamingTheElementAndReason(String rule, Consumer<PlanDefinition> breakIt,
      String location, String reason) {
    PlanDefinition pd = reference();
    breakIt.accept(pd);
    assertThatThrownBy(() -> parser.parse(pd))
        .isInstanceOfSatisfying(InvalidStudyException.class, e -> assertThat(e.issues())
            .anySatisfy(i -> {
              assertThat(i.location()).isEqualTo(location);
              assertThat(i.reason()).contains(reason);
            }));
  }

  @Test
  void issuesBecomeAnOperationOutcomeWithOneErrorPerIssue() {
    PlanDefinition pd = reference();
    pd.setUrl(null);
    input(pd, 2).setType("Encounter");
    InvalidStudyException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidStudyException.class,
        () -> new StudyReader().read(pd));
    OperationOutcome oo = StudyReader.toOperationOutcome(e.issues());
    assertThat(oo.getIssue()).hasSize(2).allSatisfy(i -> {
      assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
      assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.INVALID);
    });
    assertThat(oo.getIssue()).extracting(i -> i.getExpression().get(0).getValue())
        .containsExactlyInAnyOrder("PlanDefinition.url", "PlanDefinition.action[0].input[2].type");
  }

  @Test
  void extraValidatorsRunBesideTheRules() {
    StudyValidator igStandIn = pd -> List.of(new StudyIssue("PlanDefinition.meta.profile", "profile says no"));
    assertThatThrownBy(() -> new StudyReader(List.of(igStandIn)).read(reference()))
        .isInstanceOfSatisfying(InvalidStudyException.class,
            e -> assertThat(e.issues()).extracting(StudyIssue::reason).containsExactly("profile says no"));
  }

  @Test
  void storedIdIsTakenFromTheResource() throws Exception {
    PlanDefinition pd = reference();
    pd.setIdElement(new IdType("PlanDefinition", "77", "3"));
    assertThat(parser.parse(pd).planDefinitionId()).isEqualTo("77");
  }
}
