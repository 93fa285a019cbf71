package org.fedfhir.tee.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.securecompute.attestation.SimulatedAttester;
import org.fedfhir.securecompute.attestation.SimulatedEvidenceNotAllowedException;
import org.fedfhir.securecompute.attestation.UntrustedMeasurementException;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.client.TeeServiceException;
import org.fedfhir.tee.enclave.CodeMeasurement;
import org.fedfhir.tee.enclave.EnclaveModelService;
import org.fedfhir.tee.model.FeaturesPayload;
import org.fedfhir.tee.model.LinearModel;
import org.fedfhir.tee.model.ModelCodec;
import org.fedfhir.tee.model.ModelCodecTest;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TEE service on a free loopback port, exercised through its clients as a site and the aggregator would. */
class TeeServiceTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Ed25519.KeyPair PLATFORM = Ed25519.generate(RANDOM);
  private static final Measurement MEASUREMENT = CodeMeasurement.ofService(EvidenceFormat.SIMULATED);
  private static final OperationCounter COUNTER = new OperationCounter();
  private static TeeServer server;
  /** The aggregator's and a site's clients: each its own certificate. */
  private static IGenericClient aggregatorClient;
  private static TestNetwork network;
  private static IGenericClient fhir;

  private final LinearModel model = ModelCodecTest.heartModel();
  private final double[] patient = {63, 1, 4, 145, 233, 1, 2, 150, 0, 2.3};

  /** Counts the operations the service was asked to run. */
  @Interceptor
  static final class OperationCounter {
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

  @BeforeAll
  static void startService(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    SimulatedAttester attester = new SimulatedAttester(PLATFORM, MEASUREMENT, Clock.systemUTC());
    network = new TestNetwork(dir);
    server = TeeServer.start(new EnclaveModelService(attester, SealingKeyPair.generate(RANDOM)), "127.0.0.1", 0,
        network.teeTls(), QueryBudgets.defaults(), COUNTER);
    fhir = network.client("cleveland", "site", server.baseUrl());
    aggregatorClient = network.client("aggregator", "aggregator", server.baseUrl());
  }

  @AfterAll
  static void stopService() throws Exception {
    server.close();
  }

  @BeforeEach
  void resetCounts() {
    COUNTER.calls.clear();
  }

  private static AttestationVerifier sitePolicy(Measurement trusted) {
    return new AttestationVerifier(AttestationPolicy.builder()
        .allowSimulatedEvidence(PLATFORM.publicKey()).trustMeasurement(trusted).build());
  }

  private static TeeClient site() {
    return new TeeClient(fhir, sitePolicy(MEASUREMENT), Clock.systemUTC(), RANDOM);
  }

  private ProvisioningRecord provision() throws Exception {
    return new ModelProvisioner(aggregatorClient, sitePolicy(MEASUREMENT), Clock.systemUTC()).provision(model);
  }

  @Test
  void provisionedModelPredictsThroughTheTeeExactlyAsInTheClear() throws Exception {
    ProvisioningRecord record = provision();
    TeeClient site = site();

    double viaTee = site.predict(model.study(), record.modelDigest(), model.featureNames(), patient);

    assertThat(viaTee).as("rounded inside the enclave to the default 3 decimals")
        .isCloseTo(model.predict(patient), org.assertj.core.data.Offset.offset(5e-4));
    assertThat(viaTee).isEqualTo(java.math.BigDecimal.valueOf(model.predict(patient))
        .setScale(3, java.math.RoundingMode.HALF_EVEN).doubleValue());
  }

  @Test
  void provisioningRecordNamesTheMeasurementThatReceivedTheModelDigest() throws Exception {
    ProvisioningRecord record = provision();

    assertThat(record.measurement()).isEqualTo(MEASUREMENT);
    assertThat(record.evidenceFormat()).isEqualTo(EvidenceFormat.SIMULATED);
    assertThat(record.modelDigest()).isEqualTo(ModelCodec.digest(model));
    assertThat(record.study()).isEqualTo(model.study());
    assertThat(record.serviceBaseUrl()).isEqualTo(server.baseUrl());
    assertThat(record.toString()).doesNotContain("0.31");
  }

  @Test
  void attestationIsCachedAcrossPredictions() throws Exception {
    String digest = provision().modelDigest();
    resetCounts();
    TeeClient site = site();

    for (int i = 0; i < 3; i++) {
      site.predict(model.study(), digest, model.featureNames(), patient);
    }

    assertThat(COUNTER.of("$attestation")).isEqualTo(1);
    assertThat(COUNTER.of("$predict")).isEqualTo(3);
  }

  @Test
  void predictionForAnUnknownModelDigestIsAnOperationOutcome() throws Exception {
    provision();

    assertThatThrownBy(() -> site().predict(model.study(), "0".repeat(64), model.featureNames(), patient))
        .isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("unknown-model");
          assertThat(e.status()).isEqualTo(404);
        });
  }

  @Test
  void failedAttestationSendsNothingToPredict() throws Exception {
    String digest = provision().modelDigest();
    resetCounts();
    Measurement approved = Measurement.of(new byte[48]);
    TeeClient site = new TeeClient(fhir, sitePolicy(approved), Clock.systemUTC(), RANDOM);

    assertThatThrownBy(() -> site.predict(model.study(), digest, model.featureNames(), patient))
        .isInstanceOf(UntrustedMeasurementException.class);
    assertThat(COUNTER.of("$attestation")).isEqualTo(1);
    assertThat(COUNTER.of("$predict")).isZero();
  }

  @Test
  void modelIsNotProvisionedToAServiceWithSimulatedEvidenceUnlessThePolicyOptsIn() throws Exception {
    AttestationVerifier nitroOnly = new AttestationVerifier(AttestationPolicy.builder()
        .trustMeasurement(MEASUREMENT).nitroRoot(selfSignedForTest()).build());

    assertThatThrownBy(() -> new ModelProvisioner(fhir, nitroOnly, Clock.systemUTC()).provision(model))
        .isInstanceOf(SimulatedEvidenceNotAllowedException.class);
    assertThat(COUNTER.of("$provision-model")).isZero();
  }

  @Test
  void featuresSealedForAnotherRequestIdAreRefused() throws Exception {
    String digest = provision().modelDigest();
    byte[] enclaveKey = site().attestation().enclavePublicKey();
    byte[] payload = new FeaturesPayload(SealingKeyPair.generate(RANDOM).publicKey(), model.featureNames(), patient).encode();
    byte[] sealed = Hpke.seal(enclaveKey, SealingContext.forFeatures(model.study(), digest, "request-a"), payload).toBytes();

    assertThatThrownBy(() -> predictRaw(sealed, digest, "request-b"))
        .isInstanceOfSatisfying(ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException.class, e ->
            assertThat(code(e)).isEqualTo("sealed-data-not-authenticated"));
  }

  @Test
  void featuresInAnotherOrderAreRefusedWithoutEchoingValues() throws Exception {
    String digest = provision().modelDigest();
    TeeClient site = site();
    List<String> shuffled = new java.util.ArrayList<>(model.featureNames());
    java.util.Collections.swap(shuffled, 0, 1);

    assertThatThrownBy(() -> site.predict(model.study(), digest, shuffled, patient))
        .isInstanceOfSatisfying(TeeServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("invalid-features");
          assertThat(e.getMessage()).doesNotContain("233").doesNotContain("145");
        });
  }

  @Test
  void modelWhoseDigestDiffersFromTheNamedDigestIsRefused() throws Exception {
    byte[] enclaveKey = site().attestation().enclavePublicKey();
    String claimed = "ab".repeat(32);
    byte[] sealed = Hpke.seal(enclaveKey, SealingContext.forModel(model.study(), claimed), ModelCodec.encode(model)).toBytes();
    Parameters in = new Parameters();
    in.addParameter().setName("sealedModel").setValue(new Base64BinaryType(sealed));
    in.addParameter().setName("study").setValue(new CanonicalType(model.study()));
    in.addParameter().setName("modelDigest").setValue(new StringType(claimed));

    assertThatThrownBy(() -> aggregatorClient.operation().onServer().named("$provision-model").withParameters(in)
        .returnResourceType(OperationOutcome.class).execute())
        .isInstanceOfSatisfying(ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException.class, e ->
            assertThat(code(e)).isEqualTo("model-digest-mismatch"));
  }

  @Test
  void getIsRefusedForPredictAndProvisionModel() throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(org.fedfhir.access.ClientTls.mutual(
        network.file("cleveland-cert.pem"), network.file("cleveland-key.pem"), network.file("ca.pem"))).build();
    for (String op : List.of("$predict", "$provision-model")) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(
          URI.create(server.baseUrl() + "/" + op + "?study=s&modelDigest=" + "0".repeat(64) + "&requestId=r&sealedFeatures=AAAA"))
          .GET().build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(op).isEqualTo(405);
      assertThat(response.body()).as(op).contains("OperationOutcome");
    }
    assertThat(COUNTER.of("$predict") + COUNTER.of("$provision-model")).isZero();
  }

  @Test
  void missingParameterIsAnOperationOutcomeNamingIt() {
    Parameters in = new Parameters();
    in.addParameter().setName("study").setValue(new CanonicalType(model.study()));

    assertThatThrownBy(() -> fhir.operation().onServer().named("$predict").withParameters(in).execute())
        .isInstanceOfSatisfying(ca.uhn.fhir.rest.server.exceptions.InvalidRequestException.class, e -> {
          assertThat(code(e)).isEqualTo("missing-parameter");
          assertThat(e.getMessage()).contains("sealedFeatures");
        });
  }

  private static Parameters predictRaw(byte[] sealed, String digest, String requestId) {
    Parameters in = new Parameters();
    in.addParameter().setName("sealedFeatures").setValue(new Base64BinaryType(sealed));
    in.addParameter().setName("study").setValue(new CanonicalType(ModelCodecTest.heartModel().study()));
    in.addParameter().setName("modelDigest").setValue(new StringType(digest));
    in.addParameter().setName("requestId").setValue(new StringType(requestId));
    return fhir.operation().onServer().named("$predict").withParameters(in).execute();
  }

  private static String code(ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException e) {
    return ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDetails().getCodingFirstRep().getCode();
  }

  private static java.security.cert.X509Certificate selfSignedForTest() throws Exception {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
    java.security.KeyPair keys = g.generateKeyPair();
    java.time.Instant now = java.time.Instant.now();
    org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=test-root");
    return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
            java.util.Date.from(now.minusSeconds(60)), java.util.Date.from(now.plusSeconds(3600)), name, keys.getPublic())
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA384withECDSA").build(keys.getPrivate())));
  }
}
