package org.fedfhir.fhir.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.HospitalJpaTest;
import org.fedfhir.fhir.access.TestIssuer;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.BundleLoader;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.SyntheticCohort;
import org.fedfhir.fhir.server.HospitalServerApplication;
import org.fedfhir.fhir.statistics.TimeToEvent;
import org.fedfhir.study.Code;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.TimeToEventDefinition;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The few tests against a real HAPI JPA server (H2 in memory), all in one Spring context. The order
 * matters only because they share the database: Cleveland is loaded first.
 */
@HospitalJpaTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HospitalServerJpaTest {
  static final FhirContext CTX = FhirContext.forR4Cached();

  @LocalServerPort
  int port;

  @Autowired
  DaoRegistry daos;

  @Autowired
  JpaResourceReader reader;

  String base() {
    return "http://localhost:" + port + "/fhir";
  }

  /** The hospital's staff for these tests: a data steward who also loads data and installs studies. */
  String operatorToken() {
    return TestIssuer.INSTANCE.user(base(), "Practitioner/operator", List.of("data-steward", "integrator", "researcher"),
        "openid fhirUser user/*.cruds", null);
  }

  IGenericClient client() {
    IGenericClient c = CTX.newRestfulGenericClient(base());
    c.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(operatorToken()));
    return c;
  }

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
        .header("Authorization", "Bearer " + operatorToken())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String modeParameters(String mode) {
    return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"mode\",\"valueCode\":\"" + mode + "\"}]}";
  }

  @Test
  @Order(1)
  void clevelandLoadsApprovesAndTrainsLocallyToAtLeast072() throws Exception {
    int loaded = new BundleLoader(CTX, base(), operatorToken()).loadHeartDisease(HeartDiseaseCentre.CLEVELAND, 100, LocalDate.now());
    assertThat(loaded).isEqualTo(303);
    PlanDefinition pd = Fixtures.study("heart-disease-lr");
    client().update().resource(pd).execute();

    HttpResponse<String> unapproved = post("/PlanDefinition/heart-disease-lr/$train", modeParameters("local"));
    assertThat(unapproved.statusCode()).isEqualTo(403);
    assertThat(CTX.newJsonParser().parseResource(OperationOutcome.class, unapproved.body())
        .getIssueFirstRep().getDiagnostics()).contains("not approved");

    client().create().resource(ApprovalGate.approving(CTX, pd)).execute();

    HttpResponse<String> accepted = post("/PlanDefinition/heart-disease-lr/$train", modeParameters("local"));
    assertThat(accepted.statusCode()).isEqualTo(202);
    String location = accepted.headers().firstValue("Content-Location").orElseThrow();
    assertThat(location).startsWith(base() + "/Task/");

    Task task = awaitDone(location.substring(base().length() + 1));
    assertThat(task.getStatus()).as(task.getStatusReason().getText()).isEqualTo(Task.TaskStatus.COMPLETED);
    Map<String, Object> out = task.getOutput().stream().collect(Collectors.toMap(
        o -> o.getType().getCodingFirstRep().getCode(),
        o -> o.getValue() instanceof DecimalType d ? d.getValue().doubleValue() : ((IntegerType) o.getValue()).getValue()));
    assertThat((double) out.get("accuracy")).isGreaterThanOrEqualTo(0.72);
    assertThat(out.get("included")).isEqualTo(303);
    assertThat(out.get("excluded-consent")).isEqualTo(0);
    assertThat(out).containsKeys("auc", "brier", "train-count", "test-count", "missing", "unconvertible-units");

    Bundle audits = client().search().forResource(AuditEvent.class)
        .where(AuditEvent.ENTITY.hasId("Task/" + task.getIdElement().getIdPart()))
        .cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true)).returnBundle(Bundle.class).execute();
    AuditEvent trainAudit = audits.getEntry().stream().map(e -> (AuditEvent) e.getResource())
        .filter(ae -> ae.getEntity().stream().anyMatch(en -> en.getWhat().getReference() != null
            && en.getWhat().getReference().endsWith(task.getIdElement().getIdPart())))
        .findFirst().orElseThrow();
    AuditEvent.AuditEventAgentComponent requestor = trainAudit.getAgent().stream()
        .filter(AuditEvent.AuditEventAgentComponent::getRequestor).findFirst().orElseThrow();
    assertThat(requestor.getWho().getIdentifier().getValue()).as("the audit names the caller, not the server")
        .isEqualTo("Practitioner/operator");
    assertThat(requestor.getAltId()).isEqualTo("test-app");
    assertThat(requestor.getNetwork().getAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  @Order(2)
  void trainIsRefusedOverGetAndFederatedModeNeedsAnAggregator() throws Exception {
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(
        URI.create(base() + "/PlanDefinition/heart-disease-lr/$train?mode=local"))
        .header("Authorization", "Bearer " + operatorToken()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.body()).contains("OperationOutcome");

    HttpResponse<String> federated = post("/PlanDefinition/heart-disease-lr/$train", modeParameters("federated"));
    assertThat(federated.statusCode()).isEqualTo(501);
    assertThat(federated.body()).contains("federated training needs an aggregator (not configured)");
  }

  @Test
  @Order(3)
  void syntheaStudyOnCholesterolAndSystolicPressureGivesOneRowPerPatientWithBoth() throws Exception {
    BundleLoader loader = new BundleLoader(CTX, base(), operatorToken());
    for (String f : List.of("Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json",
        "Buster_Hoeger_ad2e3fc5-2b5d-4cb9-8d03-9ea0f4ac8423.json", "Liz_Conn_27c911c6-f045-4ffa-af5d-6eba57ac94b2.json")) {
      loader.postFile(Path.of(getClass().getResource("/synthea/" + f).toURI()));
    }
    // A patient with cholesterol (in mmol/L) but no blood pressure: must not get a row.
    Patient lonely = new Patient();
    lonely.addName().setFamily("NoPressure");
    String lonelyId = client().create().resource(lonely).execute().getId().getIdPart();
    Observation chol = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    chol.getCode().addCoding().setSystem("http://loinc.org").setCode("2093-3");
    chol.setSubject(new Reference("Patient/" + lonelyId));
    chol.setValue(new Quantity().setValue(5.2).setSystem("http://unitsofmeasure.org").setCode("mmol/L"));
    client().create().resource(chol).execute();

    StudyDefinition study = new StudyParser().parse(Fixtures.study("chol-sbp"));
    Extraction ex = new FeatureExtractor(new UcumConverter())
        .extract(study, new DaoClinicalDataSource(daos, reader), Instant.now());

    Bundle synthea = client().search().forResource(Patient.class)
        .withTag("https://smarthealthit.org/tags", "synthea-5-2019").returnBundle(Bundle.class).execute();
    Set<String> syntheaIds = synthea.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart())
        .collect(Collectors.toSet());
    assertThat(syntheaIds).hasSize(3);
    List<String> rows = ex.matrix().patientIds();
    assertThat(rows).doesNotHaveDuplicates().doesNotContain(lonelyId);
    assertThat(rows.stream().filter(syntheaIds::contains)).containsExactlyInAnyOrderElementsOf(syntheaIds);
    for (int i = 0; i < rows.size(); i++) {
      if (syntheaIds.contains(rows.get(i))) {
        assertThat(ex.matrix().values()[i][0]).as("cholesterol mg/dL").isBetween(100.0, 400.0);
        assertThat(ex.matrix().values()[i][1]).as("systolic mm[Hg]").isBetween(80.0, 220.0);
      }
    }
  }

  @Test
  @Order(4)
  void consentDenialIsExcludedAndLinearSvmTrainsThroughTheServer() throws Exception {
    String someone = client().search().forResource(Patient.class).count(1).returnBundle(Bundle.class).execute()
        .getEntryFirstRep().getResource().getIdElement().getIdPart();
    org.hl7.fhir.r4.model.Consent deny = new org.hl7.fhir.r4.model.Consent()
        .setStatus(org.hl7.fhir.r4.model.Consent.ConsentState.ACTIVE).setPatient(new Reference("Patient/" + someone));
    deny.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentcategorycodes")
        .setCode("research");
    deny.getProvision().setType(org.hl7.fhir.r4.model.Consent.ConsentProvisionType.DENY);
    client().create().resource(deny).execute();
    PlanDefinition svm = Fixtures.study("heart-disease-svm");
    client().update().resource(svm).execute();
    client().create().resource(ApprovalGate.approving(CTX, svm)).execute();
    int patients = client().search().forResource(Patient.class).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT).cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true))
        .returnBundle(Bundle.class).execute().getTotal();

    HttpResponse<String> accepted = post("/PlanDefinition/heart-disease-svm/$train", modeParameters("local"));
    assertThat(accepted.statusCode()).isEqualTo(202);
    Task task = awaitDone(accepted.headers().firstValue("Content-Location").orElseThrow().substring(base().length() + 1));
    assertThat(task.getStatus()).as(task.getStatusReason().getText()).isEqualTo(Task.TaskStatus.COMPLETED);
    Map<String, Object> out = task.getOutput().stream().collect(Collectors.toMap(
        o -> o.getType().getCodingFirstRep().getCode(),
        o -> o.getValue() instanceof DecimalType d ? d.getValue().doubleValue() : ((IntegerType) o.getValue()).getValue()));
    assertThat(out.get("excluded-consent")).isEqualTo(1);
    assertThat(out.get("included")).isEqualTo(patients - 1);
    assertThat(out).containsKeys("accuracy", "auc").doesNotContainKey("brier");
  }

  @Test
  @Order(5)
  void aRunThatCannotTrainEndsAsAFailedTaskWithTheReasonAndIsAudited() throws Exception {
    PlanDefinition pd = Fixtures.study("chol-sbp");
    pd.setId("chol-sbp");
    client().update().resource(pd).execute();
    client().create().resource(ApprovalGate.approving(CTX, pd)).execute();
    // restrict to patients of at least 120 years, so that nobody qualifies
    pd.addExtension().setUrl("http://fedfhir.org/fhir/StructureDefinition/cohort-criteria")
        .addExtension("minAge", new IntegerType(120));
    client().update().resource(pd).execute();

    // the approval was of the cohort before the PUT: not approved until the steward approves the new one
    HttpResponse<String> changed = post("/PlanDefinition/chol-sbp/$train", modeParameters("local"));
    assertThat(changed.statusCode()).isEqualTo(403);
    assertThat(CTX.newJsonParser().parseResource(OperationOutcome.class, changed.body())
        .getIssueFirstRep().getDiagnostics()).contains("PlanDefinition/chol-sbp changed since approval");
    client().create().resource(ApprovalGate.approving(CTX, pd)).execute();

    HttpResponse<String> accepted = post("/PlanDefinition/chol-sbp/$train", modeParameters("local"));
    assertThat(accepted.statusCode()).isEqualTo(202);
    Task task = awaitDone(accepted.headers().firstValue("Content-Location").orElseThrow().substring(base().length() + 1));
    assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.FAILED);
    assertThat(task.getStatusReason().getText()).contains("both classes are needed");
    Bundle audits = client().search().forResource(AuditEvent.class)
        .where(AuditEvent.ENTITY.hasId("Task/" + task.getIdElement().getIdPart()))
        .cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true)).returnBundle(Bundle.class).execute();
    assertThat(audits.getEntry()).anySatisfy(e -> {
      AuditEvent ae = (AuditEvent) e.getResource();
      assertThat(ae.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
      assertThat(ae.getEntity()).anySatisfy(en ->
          assertThat(en.getWhat().getReference()).endsWith("Task/" + task.getIdElement().getIdPart()));
    });
  }

  @Test
  @Order(6)
  void invalidStudyIsRefusedWithAnOperationOutcomeNamingTheElement() throws Exception {
    PlanDefinition pd = Fixtures.study("heart-disease-lr");
    pd.setId("broken");
    pd.getActionFirstRep().getInput().get(2).setType("Encounter");
    client().update().resource(pd).execute();
    HttpResponse<String> r = post("/PlanDefinition/broken/$train", modeParameters("local"));
    assertThat(r.statusCode()).isEqualTo(422);
    OperationOutcome oo = CTX.newJsonParser().parseResource(OperationOutcome.class, r.body());
    assertThat(oo.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("PlanDefinition.action[0].input[2].type");
  }

  @Test
  @Order(7)
  void everyObservationAndConditionIsReadOncePageByPageAndFollowUpIsCensoredAtTheLastRecord() {
    // a patient with an infarction and, a year later, nothing but a cholesterol test
    Patient late = new Patient();
    late.addName().setFamily("LateCholesterol");
    String id = client().create().resource(late).execute().getId().getIdPart();
    LocalDate index = LocalDate.of(2020, 3, 1);
    Condition mi = new Condition().setSubject(new Reference("Patient/" + id));
    mi.getCode().addCoding().setSystem("http://snomed.info/sct").setCode("22298006");
    mi.setOnset(new DateTimeType(index.toString()));
    client().create().resource(mi).execute();
    Observation chol = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    chol.getCode().addCoding().setSystem("http://loinc.org").setCode("2093-3");
    chol.setSubject(new Reference("Patient/" + id)).setEffective(new DateTimeType(index.plusDays(365).toString()));
    String cholId = client().create().resource(chol).execute().getId().getIdPart();

    int page = 128;
    DaoClinicalDataSource data = new DaoClinicalDataSource(daos, reader.withPage(page));
    List<String> observations = new ArrayList<>();
    List<String> conditions = new ArrayList<>();
    data.records(o -> observations.add(o.getIdElement().getIdPart()), c -> conditions.add(c.getIdElement().getIdPart()));
    assertThat(observations).hasSize(total(Observation.class)).doesNotHaveDuplicates().contains(cholId);
    assertThat(observations.size()).isGreaterThan(3 * page); // several pages
    assertThat(conditions).hasSize(total(Condition.class)).doesNotHaveDuplicates();

    FeatureMatrix matrix = new FeatureMatrix(List.of("age"), new double[][] {{60}}, new int[1], List.of(id));
    StatisticDeclaration.KaplanMeier decl = new StatisticDeclaration.KaplanMeier("hf", null, List.of(),
        new double[] {0, 180, 360, 540}, "d", Optional.empty());
    TimeToEventDefinition def = new TimeToEventDefinition("hf", List.of(new Code("http://snomed.info/sct",
        "22298006")), List.of(new Code("http://snomed.info/sct", "84114007")), null, null, null, List.of());
    assertThat(TimeToEvent.extract(decl, def, matrix, data))
        .containsExactly(new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 365, false));
  }

  @Test
  @Order(8)
  void pagedExtractionOfASyntheticPopulationEqualsTheExtractionFromEverythingHeldAtOnce() throws Exception {
    BundleLoader loader = new BundleLoader(CTX, base(), operatorToken());
    BundleLoader.Loaded loaded = loader.loadSynthetic(new SyntheticCohort(11, LocalDate.now()), 150, 20, 2, loader);
    assertThat(loaded.consents()).isPositive();
    assertThat(loaded.consentsSkipped()).isZero();

    int page = 64;
    DaoClinicalDataSource paged = new DaoClinicalDataSource(daos, reader.withPage(page));
    InMemoryClinicalData held = new InMemoryClinicalData();
    paged.patients().forEach(held::add);
    paged.consents().forEach(held::add);
    paged.records(held::add, held::add);
    assertThat(held.patients().size()).isGreaterThan(4 * page); // several pages

    StudyDefinition study = new StudyParser().parse(Fixtures.study("heart-disease-lr"));
    Instant now = Instant.now();
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    Extraction streamed = extractor.extract(study, paged, now);
    Extraction whole = extractor.extract(study, held, now);
    assertThat(streamed.counts()).isEqualTo(whole.counts());
    assertThat(streamed.counts().excludedConsent()).isPositive();
    assertThat(rowsById(streamed)).isEqualTo(rowsById(whole)).hasSize(whole.counts().included());
  }

  @Test
  @Order(9)
  void bulkReadsFindWhatSearchesFindOnceInIdOrderTheCurrentVersionAndNoDeletedResource() {
    SystemRequestDetails system = new SystemRequestDetails();
    Code cholesterol = new Code("http://loinc.org", "2093-3");
    Code systolic = new Code("http://loinc.org", "8480-6");
    List<Observation> panels = new ArrayList<>();
    reader.withToken(Observation.class, "Observation", "combo-code", List.of(systolic), panels::add);
    Observation changed = panels.stream().filter(Observation::hasComponent).findFirst().orElseThrow();
    changed.getComponentFirstRep().setValue(new Quantity().setValue(199).setSystem("http://unitsofmeasure.org")
        .setCode("mm[Hg]"));
    daos.getResourceDao(Observation.class).update(changed, system);
    changed.getComponentFirstRep().setValue(new Quantity().setValue(201).setSystem("http://unitsofmeasure.org")
        .setCode("mm[Hg]"));
    daos.getResourceDao(Observation.class).update(changed, system);
    List<String> cholesterolIds = new ArrayList<>();
    reader.withToken(Observation.class, "Observation", "combo-code", List.of(cholesterol),
        o -> cholesterolIds.add(o.getIdElement().getIdPart()));
    daos.getResourceDao(Observation.class).delete(new org.hl7.fhir.r4.model.IdType("Observation", cholesterolIds.get(1)),
        system);

    int page = 50;
    JpaResourceReader small = reader.withPage(page);
    for (Code code : List.of(cholesterol, systolic, new Code("http://loinc.org", "85354-9"))) {
      List<Observation> read = new ArrayList<>();
      small.withToken(Observation.class, "Observation", "combo-code", List.of(code), read::add);
      assertThat(ids(read)).as(code.code()).isEqualTo(searched(Observation.class, "combo-code", List.of(code)));
      assertThat(read.size()).isGreaterThan(2 * page);
    }
    List<Observation> again = new ArrayList<>();
    small.withToken(Observation.class, "Observation", "combo-code", List.of(systolic), again::add);
    Observation current = again.stream().filter(o -> o.getIdElement().getIdPart()
        .equals(changed.getIdElement().getIdPart())).findFirst().orElseThrow();
    assertThat(current.getIdElement().getVersionIdPart()).isEqualTo("3");
    assertThat(current.getMeta().getVersionId()).isEqualTo("3");
    assertThat(current.getComponentFirstRep().getValueQuantity().getValue().intValue()).isEqualTo(201);
    Observation byDao = daos.getResourceDao(Observation.class).read(current.getIdElement().toUnqualifiedVersionless(),
        system);
    assertThat(current.getMeta().getLastUpdated().getTime()).isEqualTo(byDao.getMeta().getLastUpdated().getTime());
    assertThat(CTX.newJsonParser().encodeResourceToString(current))
        .isEqualTo(CTX.newJsonParser().encodeResourceToString(byDao));
    assertThat(ids(again)).doesNotHaveDuplicates();

    // a Condition under two of the codes is read once; the union equals the search's
    List<Code> two = List.of(new Code("http://snomed.info/sct", "53741008"), new Code("http://snomed.info/sct",
        "38341003"));
    Condition both = new Condition().setSubject(new Reference(panels.get(0).getSubject().getReference()));
    two.forEach(c -> both.getCode().addCoding().setSystem(c.system()).setCode(c.code()));
    String bothId = daos.getResourceDao(Condition.class).create(both, system).getId().getIdPart();
    List<Condition> conditions = new ArrayList<>();
    small.withToken(Condition.class, "Condition", "code", two, conditions::add);
    assertThat(ids(conditions)).isEqualTo(searched(Condition.class, "code", two)).contains(bothId)
        .doesNotHaveDuplicates();

    List<Patient> patients = new ArrayList<>();
    small.all(Patient.class, "Patient", patients::add);
    // Patients lie one in many ids apart: the type's walk spans windows with few or none of them
    assertThat(ids(patients)).hasSizeGreaterThan(2 * page).isEqualTo(searched(Patient.class, null, List.of()));
    List<Observation> observations = new ArrayList<>();
    small.all(Observation.class, "Observation", observations::add);
    assertThat(ids(observations)).isEqualTo(searched(Observation.class, null, List.of()))
        .doesNotContain(cholesterolIds.get(1));
  }

  @Test
  @Order(10)
  void bulkReadsGiveResourcesWhoseTextIsNotInlineOrThatHaveTagsThroughHapisLoaderInIdOrder() throws Exception {
    SystemRequestDetails system = new SystemRequestDetails();
    Code glucose = new Code("http://loinc.org", "2345-7");
    String patient = daos.getResourceDao(Patient.class).create(new Patient(), system).getId().getIdPart();
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Observation o = new Observation().setStatus(Observation.ObservationStatus.FINAL);
      o.getCode().addCoding().setSystem(glucose.system()).setCode(glucose.code());
      o.setSubject(new Reference("Patient/" + patient)).setValue(new Quantity().setValue(90 + i)
          .setSystem("http://unitsofmeasure.org").setCode("mg/dL"));
      if (i == 2) {
        o.getMeta().addTag("http://example.org/tags", "reviewed", "Reviewed");
      }
      made.add(daos.getResourceDao(Observation.class).create(o, system).getId().getIdPart());
    }
    // the second one's text moved out of the row into the large-object column, as older HAPI versions stored it
    moveTextOutOfRow("Observation", made.get(1));

    List<Observation> read = new ArrayList<>();
    reader.withPage(3).withToken(Observation.class, "Observation", "combo-code", List.of(glucose), read::add);
    assertThat(ids(read)).isEqualTo(searched(Observation.class, "combo-code", List.of(glucose))).containsAll(made);
    Map<String, Observation> byId = read.stream().collect(Collectors.toMap(o -> o.getIdElement().getIdPart(),
        o -> o));
    for (int i = 0; i < 4; i++) {
      Observation o = byId.get(made.get(i));
      assertThat(o.getValueQuantity().getValue().intValue()).as(made.get(i)).isEqualTo(90 + i);
      assertThat(o.getIdElement().getVersionIdPart()).isEqualTo("1");
    }
    assertThat(byId.get(made.get(2)).getMeta().getTag()).extracting(c -> c.getCode()).containsExactly("reviewed");
  }

  @Autowired
  javax.sql.DataSource dataSource;

  /** Moves a version's JSON from {@code RES_TEXT_VC} to the {@code RES_TEXT} large object (uncompressed). */
  void moveTextOutOfRow(String type, String id) throws Exception {
    try (java.sql.Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      long pid;
      String text;
      try (var q = c.prepareStatement("SELECT r.RES_ID, v.RES_TEXT_VC FROM HFJ_RESOURCE r JOIN HFJ_RES_VER v"
          + " ON v.RES_ID = r.RES_ID AND v.RES_VER = r.RES_VER WHERE r.RES_TYPE = ? AND r.FHIR_ID = ?")) {
        q.setString(1, type);
        q.setString(2, id);
        try (var rs = q.executeQuery()) {
          assertThat(rs.next()).isTrue();
          pid = rs.getLong(1);
          text = rs.getString(2);
        }
      }
      assertThat(text).isNotNull();
      boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
      try (var u = c.prepareStatement("UPDATE HFJ_RES_VER SET RES_TEXT_VC = NULL, RES_TEXT = "
          + (postgres ? "lo_from_bytea(0, ?)" : "?") + " WHERE RES_ID = ?")) {
        u.setBytes(1, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        u.setLong(2, pid);
        assertThat(u.executeUpdate()).isEqualTo(1);
      }
      c.commit();
    }
  }

  /** Logical ids in the order read. */
  static List<String> ids(List<? extends org.hl7.fhir.instance.model.api.IBaseResource> resources) {
    return resources.stream().map(r -> r.getIdElement().getIdPart()).toList();
  }

  /** What a DAO search finds, in the order of the resources' database ids. */
  List<String> searched(Class<? extends org.hl7.fhir.instance.model.api.IBaseResource> type, String param,
      List<Code> codes) {
    ca.uhn.fhir.jpa.searchparam.SearchParameterMap map = ca.uhn.fhir.jpa.searchparam.SearchParameterMap
        .newSynchronous().setLoadSynchronousUpTo(1_000_000);
    if (param != null) {
      ca.uhn.fhir.rest.param.TokenOrListParam or = new ca.uhn.fhir.rest.param.TokenOrListParam();
      codes.forEach(c -> or.addOr(new ca.uhn.fhir.rest.param.TokenParam(c.system(), c.code())));
      map.add(param, or);
    }
    map.setSort(new ca.uhn.fhir.rest.api.SortSpec(ca.uhn.fhir.rest.api.Constants.PARAM_PID));
    return ids(daos.getResourceDao(type).searchForResources(map, new SystemRequestDetails()));
  }

  /** Each row's values and label by patient id (the two reads may list patients in other orders). */
  static Map<String, List<Double>> rowsById(Extraction ex) {
    Map<String, List<Double>> rows = new java.util.HashMap<>();
    for (int i = 0; i < ex.matrix().patientIds().size(); i++) {
      List<Double> row = new ArrayList<>();
      for (double v : ex.matrix().values()[i]) {
        row.add(v);
      }
      row.add((double) ex.matrix().labels()[i]);
      rows.put(ex.matrix().patientIds().get(i), row);
    }
    return rows;
  }

  @Test
  @Order(100)
  void aSitesStatisticsReleasesAreReadBackFromItsAuditTrailInTheDatabaseAndOnlyThoseOfTheStudy() {
    DaoSiteStore store = new DaoSiteStore(daos);
    String url = "http://example.org/study/released-here";
    for (String id : List.of("released-here", "other")) {
      PlanDefinition study = new PlanDefinition();
      study.setId("PlanDefinition/" + id);
      daos.getResourceDao(PlanDefinition.class).update(study, new ca.uhn.fhir.rest.api.server.SystemRequestDetails());
    }
    org.fedfhir.fhir.site.StatisticsReleasePolicy policy =
        new org.fedfhir.fhir.site.StatisticsReleasePolicy(store, store, "cleveland", 1.0);
    policy.charge(new org.fedfhir.fhir.site.StatisticsReleasePolicy.Request(url, "1", 0.25, true), "released-here");
    policy.charge(new org.fedfhir.fhir.site.StatisticsReleasePolicy.Request("http://example.org/study/other", "1", 0,
        false), "other");
    // an AuditEvent of the $secure-stats request itself is not a release
    store.record(org.fedfhir.fhir.audit.SecureStatsAudit.of("cleveland",
        org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1"), "released-here", 3, new java.util.Date(), null));

    // a new store over the same database: what a restarted server reads
    assertThat(new DaoSiteStore(daos).releases(url))
        .containsExactly(new org.fedfhir.fhir.audit.SecureStatsAudit.Release(url, "1", 0.25));
    assertThat(new org.fedfhir.fhir.site.StatisticsReleasePolicy(new DaoSiteStore(daos), store, "cleveland", 1.0)
        .refusal(new org.fedfhir.fhir.site.StatisticsReleasePolicy.Request(url, "2", 0.8, true)))
        .contains("this site has spent ε 0.2500 on that study (all versions)");
  }

  @Test
  @Order(101)
  void aSitesContributionLedgerIsReadBackFromItsAuditTrailAfterARestartAndOnlyForItsStudyDigest() {
    String study = "ab".repeat(32);
    org.fedfhir.federation.ContributionLedger ledger = new DaoContributionLedger(daos, "cleveland");
    java.util.SortedSet<String> four = new java.util.TreeSet<>(List.of("cleveland", "hungary", "switzerland", "va"));
    java.util.SortedSet<String> three = new java.util.TreeSet<>(List.of("cleveland", "hungary", "switzerland"));
    ledger.record(study, List.of("STANDARDISE"), new org.fedfhir.federation.ContributionLedger.Entry(four, false));
    ledger.record(study, List.of("STANDARDISE"), new org.fedfhir.federation.ContributionLedger.Entry(three, true));
    ledger.record(study, List.of("TRAIN:00", "EVALUATE:00"),
        new org.fedfhir.federation.ContributionLedger.Entry(three, false));
    ledger.record("cd".repeat(32), List.of("STANDARDISE"),
        new org.fedfhir.federation.ContributionLedger.Entry(four, true));

    // a new ledger over the same database: what a restarted server reads
    assertThat(new DaoContributionLedger(daos, "cleveland").entries(study)).isEqualTo(java.util.Map.of(
        "STANDARDISE", new org.fedfhir.federation.ContributionLedger.Entry(three, true),
        "TRAIN:00", new org.fedfhir.federation.ContributionLedger.Entry(three, false),
        "EVALUATE:00", new org.fedfhir.federation.ContributionLedger.Entry(three, false)));
    // an unmasked set is not superseded by a later pending one
    ledger.record(study, List.of("STANDARDISE"), new org.fedfhir.federation.ContributionLedger.Entry(four, false));
    assertThat(new DaoContributionLedger(daos, "cleveland").entries(study).get("STANDARDISE"))
        .isEqualTo(new org.fedfhir.federation.ContributionLedger.Entry(three, true));
    assertThat(new DaoContributionLedger(daos, "cleveland").entries("ef".repeat(32))).isEmpty();
  }

  int total(Class<? extends org.hl7.fhir.instance.model.api.IBaseResource> type) {
    return client().search().forResource(type).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
        .cacheControl(new ca.uhn.fhir.rest.api.CacheControlDirective().setNoCache(true))
        .returnBundle(Bundle.class).execute().getTotal();
  }

  Task awaitDone(String taskPath) {
    return await("Task " + taskPath + " completed or failed").atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> client().read().resource(Task.class).withUrl(taskPath).execute(),
            t -> t.getStatus() == Task.TaskStatus.COMPLETED || t.getStatus() == Task.TaskStatus.FAILED);
  }
}
