package org.fedfhir.fhir.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.fedfhir.fhir.inference.InferenceFixtures.CLOCK;
import static org.fedfhir.fhir.inference.InferenceFixtures.NOW;
import static org.fedfhir.fhir.inference.InferenceFixtures.STUDY;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fedfhir.aggregator.testing.TestPki;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.fedfhir.tee.model.LinearModel;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $infer}'s logic against the real TEE model service on loopback (simulated evidence): the
 * model provisioned as the aggregator does, the site attesting, sealing and calling {@code $predict}.
 */
class InferenceThroughTeeTest {
  static final LinearModel MODEL = InferenceFixtures.model();
  static final Counter COUNTER = new Counter();
  static SimulatedTeeService tee;
  static TestPki pki;
  static FhirContext ctx;
  static ServedModel served;
  static InMemoryClinicalData cleveland;
  static InMemoryClinicalData hungarian;
  static StudyDefinition study;
  static java.nio.file.Path pkiDir;

  /** Counts the operations the TEE was asked to run. */
  @Interceptor
  static final class Counter {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void count(RequestDetails request) {
      calls.computeIfAbsent(String.valueOf(request.getOperation()), k -> new AtomicInteger()).incrementAndGet();
    }

    int of(String operation) {
      AtomicInteger n = calls.get(operation);
      return n == null ? 0 : n.get();
    }
  }

  /** Keeps every HTTP body the site's TEE client sends and receives. */
  static final class Recorder implements IClientInterceptor {
    final List<String> bodies = new CopyOnWriteArrayList<>();

    @Override
    public void interceptRequest(IHttpRequest request) {
      bodies.add(request.getUri());
      try {
        String body = request.getRequestBodyFromStream();
        if (body != null) {
          bodies.add(body);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void interceptResponse(IHttpResponse response) throws IOException {
      response.bufferEntity();
      try (Reader r = response.createReader()) {
        StringWriter w = new StringWriter();
        r.transferTo(w);
        bodies.add(w.toString());
      }
    }
  }

  @BeforeAll
  static void startTeeAndProvision(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // the network's PKI: the TEE serves mutual TLS; the aggregator provisions, the site predicts
    pkiDir = dir.resolve("pki");
    pki = TestPki.init(pkiDir, "cleveland");
    tee = SimulatedTeeService.start("127.0.0.1", 0, pki.teeTls(), COUNTER);
    ctx = pki.client("cleveland");
    FhirContext aggregator = pki.client("aggregator");
    ProvisioningRecord record = new ModelProvisioner(aggregator.newRestfulGenericClient(tee.server().baseUrl()),
        new AttestationVerifier(policy(tee.measurement())), Clock.systemUTC()).provision(MODEL);
    served = new ServedModel(STUDY, record.modelDigest(), 4, 22, record.measurement().hex());
    cleveland = InferenceFixtures.centre(HeartDiseaseCentre.CLEVELAND);
    hungarian = InferenceFixtures.centre(HeartDiseaseCentre.HUNGARIAN);
    study = new StudyParser().parse(InferenceFixtures.study());
  }

  @AfterAll
  static void stop() throws Exception {
    tee.close();
  }

  static AttestationPolicy policy(Measurement trusted) {
    return new TeeSiteSettings(tee.server().baseUrl(), List.of(trusted.hex()),
        List.of(HexFormat.of().formatHex(tee.platformPublicKey())), false, null, null, null).policy();
  }

  static InferenceService site(InferenceFixtures.Site site, ModelService model) {
    return new InferenceService(site, new StudyReader(), site, new FeatureExtractor(new UcumConverter()),
        ModelDirectory.of(Map.of(STUDY, served)), model, "cleveland", CLOCK);
  }

  static TeeModelService teeService(Measurement trusted, IClientInterceptor... interceptors) {
    IGenericClient fhir = ctx.newRestfulGenericClient(tee.server().baseUrl());
    for (IClientInterceptor i : interceptors) {
      fhir.registerInterceptor(i);
    }
    return new TeeModelService(new TeeClient(fhir, new AttestationVerifier(policy(trusted)), Clock.systemUTC(),
        new SecureRandom()), tee.server().baseUrl());
  }

  static InferenceService.Request request(String patient) {
    return new InferenceService.Request(patient, STUDY, false, org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1"));
  }

  static double rounded(double p) {
    return java.math.BigDecimal.valueOf(p).setScale(3, java.math.RoundingMode.HALF_EVEN).doubleValue();
  }

  static double probability(RiskAssessment ra) {
    return ra.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
  }

  @Test
  void riskThroughTheTeeIsTheClearModelsRoundedOnTheTrainingRowsIncludingImputedValues() throws Exception {
    InferenceService cle = site(new InferenceFixtures.Site(cleveland), teeService(tee.measurement()));
    InferenceService hun = site(new InferenceFixtures.Site(hungarian), teeService(tee.measurement()));
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    FeatureMatrix cleRows = extractor.extract(study, cleveland, NOW).matrix();
    FeatureMatrix hunRows = extractor.extract(study, hungarian, NOW).matrix();
    int imputed = 0;
    for (int i = 0; i < 20; i++) {
      assertThat(probability(cle.infer(request(cleRows.patientIds().get(i))).riskAssessment()))
          .as("the clear model's risk, rounded to 3 decimals inside the enclave")
          .isEqualTo(rounded(MODEL.predict(cleRows.values()[i])));
      RiskAssessment h = hun.infer(request(hunRows.patientIds().get(i))).riskAssessment();
      assertThat(probability(h)).isEqualTo(rounded(MODEL.predict(hunRows.values()[i])));
      imputed += h.hasNote() ? 1 : 0;
    }
    assertThat(imputed).isPositive();
    long[] nanos = new long[50];
    for (int i = 0; i < nanos.length; i++) {
      long t = System.nanoTime();
      cle.infer(request(cleRows.patientIds().get(i)));
      nanos[i] = System.nanoTime() - t;
    }
    java.util.Arrays.sort(nanos);
    System.out.printf("$infer logic through the TEE (extraction, attestation cached, seal, $predict, open,"
        + " resources): p50 %.1f ms, p90 %.1f ms over %d calls%n", nanos[25] / 1e6, nanos[45] / 1e6, nanos.length);
  }

  /** The site's TEE as the hospital configures it: the lean path found from the TEE's CapabilityStatement. */
  static TeeModelService leanService() {
    IGenericClient fhir = ctx.newRestfulGenericClient(tee.server().baseUrl());
    AttestationVerifier verifier = new AttestationVerifier(policy(tee.measurement()));
    return new TeeModelService(new TeeClient(fhir, verifier, Clock.systemUTC(), new SecureRandom()),
        tee.server().baseUrl(), new LeanDiscovery(fhir,
            org.fedfhir.aggregator.pki.PkiDirectory.certificateFile(pkiDir, "cleveland"),
            org.fedfhir.aggregator.pki.PkiDirectory.keyFile(pkiDir, "cleveland"),
            org.fedfhir.aggregator.pki.PkiDirectory.caCertificateFile(pkiDir), verifier));
  }

  @Test
  void inferAndBatchInferTakeTheLeanPathWithTheClearModelsAnswersAndNoFhirPredict() throws Exception {
    InferenceService cle = site(new InferenceFixtures.Site(cleveland), leanService());
    FeatureMatrix rows = new FeatureExtractor(new UcumConverter()).extract(study, cleveland, NOW).matrix();
    int predictsBefore = COUNTER.of("$predict");

    for (int i = 0; i < 5; i++) {
      assertThat(probability(cle.infer(request(rows.patientIds().get(i))).riskAssessment()))
          .isEqualTo(rounded(MODEL.predict(rows.values()[i])));
    }
    int n = Math.min(rows.patientIds().size(), InferenceService.TEE_BATCH + 50); // two TEE batches
    List<String> patients = new ArrayList<>(rows.patientIds().subList(0, n));
    patients.add(1, "no-such-patient");
    List<InferenceService.Answer> answers = cle.inferAll(new InferenceService.BatchRequest(patients, STUDY, false,
        org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1")));

    assertThat(answers).hasSize(n + 1);
    assertThat(answers.get(1).refusal().reason()).isEqualTo(InferenceRefusal.Reason.PATIENT_NOT_FOUND);
    for (int i = 0, row = 0; i < answers.size(); i++) {
      if (i == 1) {
        continue;
      }
      assertThat(answers.get(i).patientId()).isEqualTo(rows.patientIds().get(row));
      assertThat(probability(answers.get(i).result().riskAssessment())).as("patient " + i)
          .isCloseTo(rounded(MODEL.predict(rows.values()[row])), within(1e-9));
      assertThat(answers.get(i).result().evidenceFormat()).isEqualTo("simulated");
      row++;
    }
    assertThat(COUNTER.of("$predict")).as("no FHIR $predict: the lean path").isEqualTo(predictsBefore);
  }

  @Test
  void aSpentQueryBudgetAtTheTeeIs429ForTheSitesCallerSayingWhichBudgetAndWhenItResets() throws Exception {
    try (SimulatedTeeService strict = SimulatedTeeService.start("127.0.0.1", 0, pki.teeTls(),
        new org.fedfhir.tee.fhir.QueryBudgets(1, 100, java.time.Duration.ofHours(24), Clock.systemUTC()), 4,
        new Object[0])) {
      AttestationVerifier trusting = new AttestationVerifier(new TeeSiteSettings(strict.server().baseUrl(),
          List.of(strict.measurement().hex()), List.of(HexFormat.of().formatHex(strict.platformPublicKey())), false,
          null, null, null).policy());
      FhirContext aggregator = pki.client("aggregator");
      new ModelProvisioner(aggregator.newRestfulGenericClient(strict.server().baseUrl()), trusting, Clock.systemUTC())
          .provision(MODEL);
      InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);
      InferenceService cle = site(site, new TeeModelService(new TeeClient(
          ctx.newRestfulGenericClient(strict.server().baseUrl()), trusting, Clock.systemUTC(), new SecureRandom()),
          strict.server().baseUrl()));
      List<String> patients = new FeatureExtractor(new UcumConverter()).extract(study, cleveland, NOW).matrix()
          .patientIds();
      cle.infer(request(patients.get(0)));

      assertThatThrownBy(() -> cle.infer(request(patients.get(1)))).isInstanceOfSatisfying(InferenceRefusal.class,
          e -> {
            assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.TEE_BUDGET_SPENT);
            assertThat(e.reason().status()).isEqualTo(429);
            assertThat(e.getMessage()).contains("this site's query budget", "resets at");
          });
    }
  }

  @Test
  void aPlainHttpTeeUrlIsRefusedAtConfigurationNamingTheSetting() {
    assertThatThrownBy(() -> TeeSiteSettings.fromProperties("http://127.0.0.1:8093/fhir", "00", null, false, null,
        null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tee")
        .hasMessageContaining("https://");
  }

  @Test
  void aFailedAttestationIsAClearRefusalAndNothingIsSent() {
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland);
    InferenceService untrusting = site(site, teeService(Measurement.of(new byte[48])));
    String patient = cleveland.patients().get(0).getIdElement().getIdPart();
    int predictsBefore = COUNTER.of("$predict");

    assertThatThrownBy(() -> untrusting.infer(request(patient))).isInstanceOfSatisfying(InferenceRefusal.class, e -> {
      assertThat(e.reason()).isEqualTo(InferenceRefusal.Reason.ATTESTATION_FAILED);
      assertThat(e.reason().status()).isEqualTo(502);
      assertThat(e.getMessage()).contains("failed attestation", "UntrustedMeasurementException", "nothing was sent");
    });
    assertThat(COUNTER.of("$predict")).isEqualTo(predictsBefore);
    assertThat(site.audits).singleElement()
        .satisfies(a -> assertThat(a.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._8));
  }

  @Test
  void noHttpBodyBetweenSiteAndTeeCarriesAFeatureValueTheProbabilityOrAWeightInTheClear() throws Exception {
    Recorder recorder = new Recorder();
    InferenceService cle = site(new InferenceFixtures.Site(cleveland), teeService(tee.measurement(), recorder));
    FeatureMatrix rows = new FeatureExtractor(new UcumConverter()).extract(study, cleveland, NOW).matrix();
    List<Double> secrets = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      RiskAssessment ra = cle.infer(request(rows.patientIds().get(i))).riskAssessment();
      secrets.add(probability(ra));
      for (double v : rows.values()[i]) {
        secrets.add(v);
      }
    }
    for (double[] a : List.of(MODEL.weights(), MODEL.means(), MODEL.sds(), new double[] {MODEL.bias()})) {
      for (double v : a) {
        secrets.add(v);
      }
    }

    assertThat(recorder.bodies).hasSizeGreaterThan(10);
    Pattern base64 = Pattern.compile("\"valueBase64Binary\"\\s*:\\s*\"([A-Za-z0-9+/=]+)\"");
    int sealed = 0;
    for (String body : recorder.bodies) {
      Matcher m = base64.matcher(body);
      while (m.find()) {
        byte[] bytes = Base64.getDecoder().decode(m.group(1));
        sealed++;
        for (double v : secrets) {
          assertThat(contains(bytes, ByteBuffer.allocate(8).putDouble(v).array()))
              .as("binary %s in a sealed parameter", v).isFalse();
        }
        assertThat(contains(bytes, "FFFV".getBytes())).isFalse();
        assertThat(contains(bytes, "FFPR".getBytes())).isFalse();
      }
      String text = base64.matcher(body).replaceAll("\"valueBase64Binary\":\"…\"");
      for (double v : secrets) {
        if (v == Math.rint(v) && Math.abs(v) < 10) {
          continue; // single digits are everywhere (versions); their binary form was checked above
        }
        String plain = v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
        assertThat(Pattern.compile("(?<![0-9A-Za-z.])" + Pattern.quote(plain) + "(?![0-9A-Za-z])").matcher(text).find())
            .as("value %s in the clear in %s", plain, text).isFalse();
      }
    }
    assertThat(sealed).as("sealed features and sealed predictions were exchanged").isGreaterThanOrEqualTo(10);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
