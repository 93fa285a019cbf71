package org.fedfhir.fhir.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.fedfhir.fhir.inference.InferenceFixtures.CLOCK;
import static org.fedfhir.fhir.inference.InferenceFixtures.NOW;
import static org.fedfhir.fhir.inference.InferenceFixtures.STUDY;

import ca.uhn.fhir.context.FhirContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.fedfhir.aggregator.provisioning.ServableModels;
import org.fedfhir.aggregator.store.ModelSpec;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.aggregator.testing.TestPki;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Strategy;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.fedfhir.study.StudyUrls;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.fedfhir.tee.model.LinearModel;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code $infer} of an {@code mlp} study against the real TEE model service on loopback (simulated
 * evidence): the network provisioned as the aggregator does at study end ({@link ServableModels},
 * sealed to the enclave), the site sealing the patient's features, the enclave evaluating the
 * network. Its risks are the network computed in the clear from the flat parameters.
 */
class NetworkInferenceThroughTeeTest {
  static final NeuralNetwork NETWORK = new NeuralNetwork(10, List.of(16, 8), 43L);
  static final int PRECISION = 6;
  static final double[] THETA = parameters();
  static final LinearModel LOGISTIC = InferenceFixtures.model();
  static SimulatedTeeService tee;
  static FhirContext ctx;
  static ServedModel served;
  static InMemoryClinicalData cleveland;
  static StudyDefinition study;

  /** The network's seeded start moved off it, as training would, so every weight matters. */
  static double[] parameters() {
    double[] theta = NETWORK.initial();
    for (int k = 0; k < theta.length; k++) {
      theta[k] += 0.3 * Math.sin(7.0 * k);
    }
    return theta;
  }

  /** The reference study as the {@code mlp} study the sites trained. */
  static PlanDefinition mlpStudy() {
    PlanDefinition pd = InferenceFixtures.study();
    ((Coding) pd.getExtensionByUrl(StudyUrls.EXT_ALGORITHM).getValue()).setCode("mlp");
    return pd;
  }

  @BeforeAll
  static void startTeeAndProvision(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    TestPki pki = TestPki.init(dir.resolve("pki"), "cleveland");
    tee = SimulatedTeeService.start("127.0.0.1", 0, pki.teeTls());
    ctx = pki.client("cleveland");
    LinearModel model = ServableModels.of(new StudyRef(InferenceFixtures.STUDY_URL, "1"), "22", Strategy.FEDAVG,
        new ModelSpec(LOGISTIC.featureNames(), "mlp", false, PRECISION), ModelVector.of(THETA), LOGISTIC.means(),
        LOGISTIC.sds(), NETWORK);
    ProvisioningRecord record = new ModelProvisioner(pki.client("aggregator").newRestfulGenericClient(
        tee.server().baseUrl()), verifier(), Clock.systemUTC()).provision(model, PRECISION);
    served = new ServedModel(STUDY, record.modelDigest(), 4, 22, record.measurement().hex());
    cleveland = InferenceFixtures.centre(HeartDiseaseCentre.CLEVELAND);
    study = new StudyParser().parse(mlpStudy());
  }

  @AfterAll
  static void stop() throws Exception {
    tee.close();
  }

  static AttestationVerifier verifier() {
    return new AttestationVerifier(new TeeSiteSettings(tee.server().baseUrl(), List.of(tee.measurement().hex()),
        List.of(HexFormat.of().formatHex(tee.platformPublicKey())), false, null, null, null).policy());
  }

  /** The network in the clear: standardised with the study's means and SDs, a missing value at the mean. */
  static double clear(double[] x) {
    double[] z = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      z[j] = Double.isNaN(x[j]) ? 0 : (x[j] - LOGISTIC.means()[j]) / LOGISTIC.sds()[j];
    }
    return NETWORK.probability(THETA, z);
  }

  @Test
  void riskThroughTheTeeIsTheNetworkComputedInTheClear() throws Exception {
    InferenceFixtures.Site site = new InferenceFixtures.Site(cleveland) {
      @Override
      public List<PlanDefinition> find(String url, String version) {
        return super.find(url, version).isEmpty() ? List.of() : List.of(mlpStudy());
      }
    };
    TeeModelService model = new TeeModelService(new TeeClient(ctx.newRestfulGenericClient(tee.server().baseUrl()),
        verifier(), Clock.systemUTC(), new SecureRandom()), tee.server().baseUrl());
    InferenceService service = new InferenceService(site, new StudyReader(), site,
        new FeatureExtractor(new UcumConverter()), ModelDirectory.of(Map.of(STUDY, served)), model, "cleveland",
        CLOCK);
    FeatureMatrix rows = new FeatureExtractor(new UcumConverter()).extract(study, cleveland, NOW).matrix();
    double spread = 0;
    for (int i = 0; i < 20; i++) {
      RiskAssessment ra = service.infer(new InferenceService.Request(rows.patientIds().get(i), STUDY, false,
          org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1"))).riskAssessment();
      double p = ra.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
      double inClear = clear(rows.values()[i]);
      assertThat(p).as("patient %d: the clear network's risk, rounded to %d decimals inside the enclave", i, PRECISION)
          .isCloseTo(round(inClear), within(1e-9));
      assertThat(ra.getPredictionFirstRep().getRationale()).contains("Federated neural network");
      spread = Math.max(spread, Math.abs(inClear - LOGISTIC.predict(rows.values()[i])));
    }
    assertThat(spread).as("the network's risks are not the logistic fixture's").isGreaterThan(0.01);
  }

  @Test
  void theProvisionedModelPredictsAsTheFlatParametersDoWithoutRounding() {
    LinearModel model = ServableModels.of(new StudyRef(InferenceFixtures.STUDY_URL, "1"), "22", Strategy.FEDADAM,
        new ModelSpec(LOGISTIC.featureNames(), "mlp", false, PRECISION), ModelVector.of(THETA), LOGISTIC.means(),
        LOGISTIC.sds(), NETWORK);
    FeatureMatrix rows = new FeatureExtractor(new UcumConverter()).extract(study, cleveland, NOW).matrix();
    for (double[] x : rows.values()) {
      assertThat(model.predict(x)).isCloseTo(clear(x), within(1e-12));
    }
  }

  private static double round(double p) {
    return java.math.BigDecimal.valueOf(p).setScale(PRECISION, java.math.RoundingMode.HALF_EVEN).doubleValue();
  }
}
