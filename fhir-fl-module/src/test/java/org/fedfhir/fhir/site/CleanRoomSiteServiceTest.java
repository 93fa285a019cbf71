package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.fedfhir.aggregator.testing.TestPki;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.audit.CleanRoomAudit;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.study.CleanRoomProgram;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.tee.cleanroom.ResultParameters;
import org.fedfhir.tee.cleanroom.ResultRecord;
import org.fedfhir.tee.cleanroom.RowTable;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code $clean-room} at sites on plain objects (in-memory stores, the UCI centres as FHIR) against
 * the real TEE model service on loopback (simulated evidence, mutual TLS: each site is its
 * certificate): the guide's median study is extracted, sealed and delivered by three sites, the TEE
 * runs it, every site audits its delivery and the receipt; each refusal sends nothing to the TEE.
 */
@org.junit.jupiter.api.Tag("slow")
class CleanRoomSiteServiceTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final Requester STEWARD = Requester.anonymous("127.0.0.1");
  static final List<HeartDiseaseCentre> CENTRES = List.of(HeartDiseaseCentre.CLEVELAND, HeartDiseaseCentre.HUNGARIAN,
      HeartDiseaseCentre.SWITZERLAND);
  static final Map<HeartDiseaseCentre, InMemoryClinicalData> DATA = new java.util.EnumMap<>(HeartDiseaseCentre.class);

  static final SealingKeyPair RESEARCHER = SealingKeyPair.generate(new SecureRandom());
  static TestPki pki;

  /** Counts the operations the TEE was asked to run, by name. */
  @Interceptor
  public static final class Counter {
    final Map<String, java.util.concurrent.atomic.AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void count(RequestDetails request) {
      calls.computeIfAbsent(String.valueOf(request.getOperation()), k -> new java.util.concurrent.atomic.AtomicInteger())
          .incrementAndGet();
    }

    int of(String operation) {
      var n = calls.get(operation);
      return n == null ? 0 : n.get();
    }
  }

  final Counter counter = new Counter();
  SimulatedTeeService tee;
  final List<CleanRoomSiteService> services = new ArrayList<>();

  @BeforeAll
  static void centresAndNetwork(@TempDir java.nio.file.Path dir) {
    for (HeartDiseaseCentre c : CENTRES) {
      DATA.put(c, Fixtures.centre(c, LocalDate.now()));
    }
    pki = TestPki.init(dir.resolve("pki"), "cleveland", "hungarian", "switzerland");
  }

  @BeforeEach
  void startTee() throws Exception {
    tee = SimulatedTeeService.start("127.0.0.1", 0, pki.teeTls(), counter);
  }

  @AfterEach
  void stop() throws Exception {
    services.forEach(CleanRoomSiteService::close);
    tee.close();
  }

  /** The guide's example clean-room study (median.wasm over chol, by label, three sites), sealed to our researcher. */
  static PlanDefinition medianStudy() {
    try (InputStream in = FedFhirIg.class.getResourceAsStream("generated/resources/PlanDefinition-clean-room-median.json")) {
      return CleanRoomDeclarations.withResultKey(CTX.newJsonParser().parseResource(PlanDefinition.class, in),
          RESEARCHER.publicKey());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The site's client of the TEE, presenting its certificate, trusting {@code measurement} and the TEE's platform key. */
  TeeClient client(String site, Measurement measurement) {
    IGenericClient fhir = pki.client(site).newRestfulGenericClient(tee.server().baseUrl());
    return new TeeClient(fhir, new AttestationVerifier(AttestationPolicy.builder()
        .allowSimulatedEvidence(tee.platformPublicKey()).trustMeasurement(measurement).build()),
        Clock.systemUTC(), new SecureRandom());
  }

  CleanRoomSiteService service(InMemorySite store, HeartDiseaseCentre centre, Measurement trusted) {
    String name = centre.name().toLowerCase(java.util.Locale.ROOT);
    CleanRoomSiteService s = new CleanRoomSiteService(new StudyAdmission(store, store, new StudyReader()),
        DATA.get(centre), store, new UcumConverter(), name, client(name, trusted), tee.server().baseUrl(),
        Clock.systemUTC(), Duration.ofMillis(50), Duration.ofSeconds(30));
    services.add(s);
    return s;
  }

  static int integer(Parameters p, String name) {
    return ((IntegerType) p.getParameter(name).getValue()).getValue();
  }

  static List<AuditEvent> audits(InMemorySite site, String subtype) {
    return site.audits.stream().filter(ae -> ae.getSubtype().stream().anyMatch(c -> subtype.equals(c.getCode())))
        .toList();
  }

  static Set<String> detailTypes(AuditEvent ae) {
    return ae.getEntityFirstRep().getDetail().stream().map(AuditEvent.AuditEventEntityDetailComponent::getType)
        .collect(Collectors.toSet());
  }

  @Test
  void threeStewardsDeliverSealedRowsTheTeeRunsTheApprovedProgramAndEachSiteAuditsDeliveryAndReceipt()
      throws Exception {
    PlanDefinition study = medianStudy();
    String digest = org.fedfhir.fhir.federation.StudyDigest.sha256Hex(CTX, study);
    StudyDefinition.CleanRoom parsed = (StudyDefinition.CleanRoom) new StudyParser().parse(study);
    List<InMemorySite> sites = new ArrayList<>();
    int rows = 0;
    for (int i = 0; i < CENTRES.size(); i++) {
      InMemorySite store = new InMemorySite().approve("median", medianStudy());
      sites.add(store);
      Parameters answer = service(store, CENTRES.get(i), tee.measurement()).deliver("median", STEWARD);

      assertThat(answer.getParameter("studyDigest").getValue().primitiveValue()).isEqualTo(digest);
      assertThat(integer(answer, "delivered")).isEqualTo(i + 1);
      assertThat(integer(answer, "needed")).isEqualTo(3);
      assertThat(answer.getParameter("ran").getValue().primitiveValue()).isEqualTo(i == 2 ? "true" : "false");
      rows += CleanRoomSiteService.rows(parsed,
          new FeatureExtractor(new UcumConverter()).extract(parsed, DATA.get(CENTRES.get(i)), java.time.Instant.now())
              .matrix()).rows();
    }
    assertThat(counter.of("$clean-room-submit")).isEqualTo(3);

    // the program ran over the rows the sites extracted: the researcher opens an overall count that is theirs
    Parameters receipt = client("cleveland", tee.measurement()).cleanRoomResult(digest);
    String output = receipt.getParameterValue("outputSha256").primitiveValue();
    Parameters opened = CTX.newJsonParser().parseResource(Parameters.class, new String(Hpke.open(RESEARCHER,
        SealingContext.forCleanRoomResult(digest, parsed.program().sha256(), output),
        ((Base64BinaryType) receipt.getParameterValue("sealedResult")).getValue()), StandardCharsets.UTF_8));
    assertThat(ResultParameters.records(opened)).filteredOn(r -> r.name().equals("n") && r.group() == -1)
        .extracting(ResultRecord::value).containsExactly((double) rows);

    for (int i = 0; i < sites.size(); i++) {
      InMemorySite store = sites.get(i);
      AuditEvent delivery = audits(store, CleanRoomAudit.DELIVERY).get(0);
      assertThat(delivery.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      assertThat(CleanRoomAudit.detail(delivery, CleanRoomAudit.STUDY_DIGEST)).isEqualTo(digest);
      assertThat(CleanRoomAudit.detail(delivery, CleanRoomAudit.PROGRAM_SHA256)).isEqualTo(parsed.program().sha256());
      assertThat(Integer.parseInt(CleanRoomAudit.detail(delivery, CleanRoomAudit.RECORDS)) % 5)
          .as("the record count as the site publishes counts: rounded to 5").isZero();
      assertThat(detailTypes(delivery)).as("no row value, only digests and counts").containsExactlyInAnyOrder(
          CleanRoomAudit.STUDY_DIGEST, CleanRoomAudit.PROGRAM_SHA256, CleanRoomAudit.RECORDS,
          CleanRoomAudit.DELIVERED, CleanRoomAudit.NEEDED);
      assertThat(CTX.newJsonParser().encodeResourceToString(delivery)).doesNotContainIgnoringCase("chol");

      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !audits(store, CleanRoomAudit.RESULT).isEmpty());
      AuditEvent audited = audits(store, CleanRoomAudit.RESULT).get(0);
      assertThat(audited.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
      assertThat(CleanRoomAudit.detail(audited, CleanRoomAudit.PROGRAM_SHA256)).isEqualTo(parsed.program().sha256());
      assertThat(CleanRoomAudit.detail(audited, CleanRoomAudit.OUTPUT_SHA256)).isEqualTo(output);
      assertThat(audited.getEntityFirstRep().getDetail()).filteredOn(d -> d.getType().equals(CleanRoomAudit.SITE))
          .extracting(d -> d.getValue().primitiveValue()).containsExactly("cleveland", "hungarian", "switzerland");
    }
  }

  @Test
  void aRunTheEnclaveRefusesEndsInEachSitesReceiptWithItsFailureCodeAndNoOutputDigest() throws Exception {
    // the stump program declared with the median's outputs: the enclave refuses its records (disclosure-refused)
    PlanDefinition refused = CleanRoomDeclarations.asCleanRoomStudy(medianStudy(), wasm("stump"), "text/x-c",
        "stump".getBytes(StandardCharsets.UTF_8), List.of("n", "q1", "median", "q3"),
        new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10), RESEARCHER.publicKey());
    for (org.hl7.fhir.r4.model.Extension p : refused.getExtensionsByUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER)) {
      if ("min-sites".equals(p.getExtensionByUrl("name").getValue().primitiveValue())) {
        p.getExtensionByUrl("value").setValue(new IntegerType(2));
      }
    }
    List<InMemorySite> sites = new ArrayList<>();
    for (HeartDiseaseCentre centre : List.of(HeartDiseaseCentre.CLEVELAND, HeartDiseaseCentre.HUNGARIAN)) {
      InMemorySite store = new InMemorySite().approve("stump", refused.copy());
      sites.add(store);
      service(store, centre, tee.measurement()).deliver("stump", STEWARD);
    }

    for (InMemorySite store : sites) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !audits(store, CleanRoomAudit.RESULT).isEmpty());
      AuditEvent receipt = audits(store, CleanRoomAudit.RESULT).get(0);
      assertThat(receipt.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
      assertThat(CleanRoomAudit.detail(receipt, CleanRoomAudit.FAILURE)).isEqualTo("disclosure-refused");
      assertThat(CleanRoomAudit.detail(receipt, CleanRoomAudit.PROGRAM_SHA256))
          .isEqualTo(((StudyDefinition.CleanRoom) new StudyParser().parse(refused)).program().sha256());
      assertThat(CleanRoomAudit.detail(receipt, CleanRoomAudit.OUTPUT_SHA256)).as("nothing was released").isNull();
    }
  }

  @Test
  void aStudyTheStewardHasNotApprovedIsRefusedAndNothingReachesTheTee() {
    InMemorySite store = new InMemorySite().install("median", medianStudy());

    assertThatThrownBy(() -> service(store, HeartDiseaseCentre.CLEVELAND, tee.measurement()).deliver("median", STEWARD))
        .isInstanceOfSatisfying(SiteRefusal.class, e -> {
          assertThat(e.reason()).isEqualTo(SiteRefusal.Reason.NOT_APPROVED);
          assertThat(e.status()).isEqualTo(403);
        });
    assertThat(counter.calls).as("the TEE was asked nothing").isEmpty();
  }

  @Test
  void aChangedModuleIsAnotherDigestNotCoveredByTheApprovalAndNothingIsSent() {
    InMemorySite store = new InMemorySite().approve("median", medianStudy());
    // the researcher swaps the program for another module after the steward approved the study
    PlanDefinition swapped = CleanRoomDeclarations.asCleanRoomStudy(medianStudy(), wasm("stump"), "text/x-c",
        "stump".getBytes(StandardCharsets.UTF_8), List.of("n", "q1", "median", "q3"),
        new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 10), RESEARCHER.publicKey());
    store.install("median", swapped);

    assertThatThrownBy(() -> service(store, HeartDiseaseCentre.CLEVELAND, tee.measurement()).deliver("median", STEWARD))
        .isInstanceOfSatisfying(SiteRefusal.class, e -> assertThat(e.reason()).isEqualTo(SiteRefusal.Reason.NOT_APPROVED));
    assertThat(counter.calls).as("the TEE was asked nothing").isEmpty();
  }

  @Test
  void aTeeWhoseMeasurementThePolicyDoesNotTrustGetsNoRowsAndTheRefusalIsAnOperationOutcome() {
    InMemorySite store = new InMemorySite().approve("median", medianStudy());
    Measurement other = Measurement.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
        48});

    assertThatThrownBy(() -> service(store, HeartDiseaseCentre.CLEVELAND, other).deliver("median", STEWARD))
        .isInstanceOfSatisfying(CleanRoomRefusal.class, e -> {
          assertThat(e.reason()).isEqualTo(CleanRoomRefusal.Reason.ATTESTATION_FAILED);
          assertThat(e.status()).isEqualTo(502);
          assertThat(e.outcome().getIssueFirstRep().getDetails().getCodingFirstRep().getCode())
              .isEqualTo("attestation-failed");
          assertThat(e.outcome().getIssueFirstRep().getDiagnostics()).contains("no row was sent");
        });
    assertThat(counter.of("$attestation")).as("the site asked for evidence").isEqualTo(1);
    assertThat(counter.of("$clean-room-submit")).as("and sent nothing").isZero();
    AuditEvent refused = audits(store, CleanRoomAudit.DELIVERY).get(0);
    assertThat(refused.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8);
    assertThat(refused.getOutcomeDesc()).contains("attestation");
  }

  @Test
  void aSecondDeliveryOfTheSameStudyIsAConflictTheTeeNames() throws Exception {
    InMemorySite store = new InMemorySite().approve("median", medianStudy());
    CleanRoomSiteService cleveland = service(store, HeartDiseaseCentre.CLEVELAND, tee.measurement());
    cleveland.deliver("median", STEWARD);

    assertThatThrownBy(() -> cleveland.deliver("median", STEWARD)).isInstanceOfSatisfying(CleanRoomRefusal.class, e -> {
      assertThat(e.status()).isEqualTo(409);
      assertThat(e.getMessage()).contains("already-delivered");
    });
  }

  @Test
  void aSiteWithoutATeeAnswersNotImplemented() {
    InMemorySite store = new InMemorySite().approve("median", medianStudy());
    CleanRoomSiteService none = new CleanRoomSiteService(new StudyAdmission(store, store, new StudyReader()),
        DATA.get(HeartDiseaseCentre.CLEVELAND), store, new UcumConverter(), "cleveland", null, null, Clock.systemUTC(),
        Duration.ofSeconds(1), Duration.ofSeconds(1));
    services.add(none);

    assertThatThrownBy(() -> none.deliver("median", STEWARD)).isInstanceOfSatisfying(CleanRoomRefusal.class,
        e -> assertThat(e.status()).isEqualTo(501));
  }

  @Test
  void rowsAreTheStudysFeaturesInOrderThenTheLabelWithMissingValuesLeftNaN() throws Exception {
    StudyDefinition.CleanRoom study = (StudyDefinition.CleanRoom) new StudyParser().parse(medianStudy());
    List<String> names = study.featureNames();
    double[][] values = new double[2][names.size()];
    values[0][0] = 231;
    values[1][0] = Double.NaN;
    FeatureMatrix matrix = new FeatureMatrix(names, values, new int[] {1, 0}, List.of("p1", "p2"));

    RowTable rows = CleanRoomSiteService.rows(study, matrix);

    List<String> columns = new ArrayList<>(names);
    columns.add("label");
    assertThat(rows.columns()).isEqualTo(columns);
    assertThat(rows.value(0, 0)).isEqualTo(231);
    assertThat(rows.value(0, names.size())).isEqualTo(1);
    assertThat(rows.value(1, 0)).isNaN();
    assertThat(rows.value(1, names.size())).isZero();
  }

  static byte[] wasm(String name) {
    try (InputStream in = org.fedfhir.tee.cleanroom.CleanRoom.class.getResourceAsStream("/cleanroom/" + name + ".wasm")) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
