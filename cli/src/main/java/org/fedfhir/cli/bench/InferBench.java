package org.fedfhir.cli.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.PatientFeatures;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.fhir.inference.InferenceRefusal;
import org.fedfhir.fhir.inference.InferenceService;
import org.fedfhir.fhir.inference.ModelDirectory;
import org.fedfhir.fhir.inference.ModelService;
import org.fedfhir.fhir.inference.SiteRecords;
import org.fedfhir.fhir.inference.StudyCatalog;
import org.fedfhir.fhir.inference.TeeModelService;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseFhir;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.study.Code;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.SessionChannel;
import org.fedfhir.tee.client.ModelProvisioner;
import org.fedfhir.tee.client.ProvisioningRecord;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.LeanTeeClient;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.aggregator.pki.PkiDirectory;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.fedfhir.tee.grpc.v1.FeatureBatch;
import org.fedfhir.tee.grpc.v1.PredictionBatch;
import org.fedfhir.tee.model.FeaturesPayload;
import org.fedfhir.tee.model.LinearModel;
import org.fedfhir.tee.model.PredictionPayload;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench infer}: the {@code $infer} logic ({@link InferenceService}: the study
 * resolved and read, the patient's features extracted as in training from an in-memory site of
 * the four UCI Heart Disease centres, one patient's records per lookup as the DAO-backed source
 * reads them, the prediction, the RiskAssessment, its Provenance and the AuditEvent) run by C
 * concurrent callers twice in the same JVM: once with the model in the attested TEE model service
 * on loopback ({@link TeeModelService} on the service's lean path: an attested session reused, one
 * patient sealed per gRPC call over mutual TLS to a real in-process {@link SimulatedTeeService}, the
 * answer opened), once with the same model computed in the clear in-process
 * ({@link LinearModel#predict}). Every TEE answer must equal the clear one to 1e-9, or the run
 * fails. Prints p50/p99 latency and throughput of both and their difference; never fails on speed.
 * With {@code --batch N}, also the TEE hop alone with N patients sealed per call by C callers
 * ({@code teeBatchPatientsPerSecond}), and N patients through the TEE in one batch call
 * ({@link InferenceService#inferAll}: study and attestation checked once, TEE batches of
 * {@link InferenceService#TEE_BATCH}) against N single calls one after another, each batch answer
 * equal to its single call's to 1e-9.
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description = "Latency and throughput of $infer through the TEE path vs. the same prediction made locally.")
public final class InferBench implements Callable<Integer> {

  static final String STUDY_URL = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr";
  static final String STUDY = STUDY_URL + "|1";
  static final double TOLERANCE = 1e-9;

  @Option(names = "--requests", defaultValue = "2000", description = "timed $infer calls per path (default ${DEFAULT-VALUE})")
  int requests;

  @Option(names = "--concurrency", defaultValue = "4", description = "concurrent callers C (default ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--warmup", defaultValue = "500", description = "untimed calls per path first, for the JIT "
      + "(default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--seed", defaultValue = "43", description = "order of the patients (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--batch", defaultValue = "0", description = "also time N patients in one batch $infer call "
      + "against N single calls, and the TEE hop alone with N patients sealed per call, e.g. 100 "
      + "(default ${DEFAULT-VALUE}: not run)")
  int batch;

  @Option(names = "--http-batch", defaultValue = "0", description = "also time N patients in one $infer-batch "
      + "HTTP call against N single $infer HTTP calls to the hospital's operations, e.g. 300 (default "
      + "${DEFAULT-VALUE}: not run)")
  int httpBatch;

  @Option(names = "--json", description = "also write the figures to this file")
  Path json;

  @Override
  public Integer call() throws Exception {
    if (requests < 1 || concurrency < 1 || warmup < 0 || batch < 0 || batch > InferenceService.MAX_BATCH
        || httpBatch < 0 || httpBatch > InferenceService.MAX_BATCH) {
      System.err.println("need --requests >= 1, --concurrency >= 1, --warmup >= 0, 0 <= --batch, --http-batch <= "
          + InferenceService.MAX_BATCH);
      return 2;
    }
    quietLogs();
    Clock clock = Clock.systemUTC();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    PlanDefinition plan;
    try (InputStream in = InferBench.class.getResourceAsStream("/studies/heart-disease-lr.json")) {
      plan = FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class, in);
    }
    plan.setId("heart-disease-lr");
    StudyDefinition study = new StudyParser().parse(plan);
    Site site = Site.uciCentres(plan, today);
    FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
    List<String> patients = new ArrayList<>(extractor.extract(study, site.all(), clock.instant()).matrix().patientIds());
    Collections.shuffle(patients, new Random(seed));
    LinearModel model = referenceModel();

    Map<String, Object> f = new LinkedHashMap<>();
    f.put("requests", requests);
    f.put("concurrency", concurrency);
    f.put("warmup", warmup);
    f.put("patients", patients.size());
    f.put("features", model.featureNames().size());
    try (org.fedfhir.cli.tee.LocalTeeNetwork network = org.fedfhir.cli.tee.LocalTeeNetwork.start()) {
      SimulatedTeeService tee = network.tee();
      FhirContext ctx = network.context("bench-site");
      ctx.getRestfulClientFactory().setPoolMaxPerRoute(Math.max(20, concurrency));
      ctx.getRestfulClientFactory().setPoolMaxTotal(Math.max(20, concurrency));
      IGenericClient fhir = ctx.newRestfulGenericClient(tee.server().baseUrl());
      AttestationPolicy policy = AttestationPolicy.builder()
          .allowSimulatedEvidence(tee.platformPublicKey()).trustMeasurement(tee.measurement()).build();
      long p0 = System.nanoTime();
      ProvisioningRecord record = new ModelProvisioner(network.aggregator(), new AttestationVerifier(policy), clock)
          .provision(model);
      f.put("provisionMillis", millis(System.nanoTime() - p0));
      ServedModel served = new ServedModel(STUDY, record.modelDigest(), 4, 22, record.measurement().hex());
      ModelDirectory directory = ModelDirectory.of(Map.of(STUDY, served));

      io.grpc.ManagedChannel channel = org.fedfhir.tee.client.MutualTlsClients.leanChannel("127.0.0.1",
          tee.server().leanPort(), PkiDirectory.certificateFile(network.pki(), "bench-site"),
          PkiDirectory.keyFile(network.pki(), "bench-site"), PkiDirectory.caCertificateFile(network.pki()));
      LeanTeeClient lean = new LeanTeeClient(channel, new AttestationVerifier(policy), clock);
      Timed viaTee = new Timed(new TeeModelService(
          new TeeClient(fhir, new AttestationVerifier(policy), clock, new SecureRandom()), tee.server().baseUrl(),
          () -> Optional.of(lean)));
      Timed inClear = new Timed(new ClearModelService(model));
      InferenceService teeSite = new InferenceService(site, new StudyReader(), site, extractor, directory, viaTee,
          "bench", clock);
      InferenceService directSite = new InferenceService(site, new StudyReader(), site, extractor, directory, inClear,
          "bench", clock);

      long a0 = System.nanoTime();
      teeSite.infer(new InferenceService.Request(patients.get(0), STUDY, false, org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1")));
      f.put("firstTeeCallMillis", millis(System.nanoTime() - a0));

      run(directSite, inClear, patients, warmup, concurrency);
      run(teeSite, viaTee, patients, warmup, concurrency);
      Phase direct = run(directSite, inClear, patients, requests, concurrency);
      Phase viaTeePhase = run(teeSite, viaTee, patients, requests, concurrency);
      Phase extractOnly = extractAndPredict(extractor, study, site, model, patients, requests, concurrency, clock);

      double maxDifference = 0;
      int mismatches = 0;
      for (int i = 0; i < requests; i++) {
        double d = Math.abs(viaTeePhase.probabilities[i] - direct.probabilities[i]);
        double e = Math.abs(viaTeePhase.probabilities[i] - extractOnly.probabilities[i]);
        maxDifference = Math.max(maxDifference, Math.max(d, e));
        mismatches += d <= TOLERANCE && e <= TOLERANCE ? 0 : 1;
      }
      f.put("teeP50Millis", viaTeePhase.percentile(50));
      f.put("teeP99Millis", viaTeePhase.percentile(99));
      f.put("teeMeanMillis", viaTeePhase.mean());
      f.put("teeRequestsPerSecond", viaTeePhase.perSecond());
      f.put("teeModelCallP50Millis", viaTeePhase.modelPercentile(50));
      f.put("directP50Millis", direct.percentile(50));
      f.put("directP99Millis", direct.percentile(99));
      f.put("directMeanMillis", direct.mean());
      f.put("directRequestsPerSecond", direct.perSecond());
      f.put("directModelCallP50Millis", direct.modelPercentile(50));
      f.put("extractPredictP50Millis", extractOnly.percentile(50));
      f.put("extractPredictP99Millis", extractOnly.percentile(99));
      f.put("extractPredictRequestsPerSecond", extractOnly.perSecond());
      f.put("ratioP50", viaTeePhase.percentile(50) / direct.percentile(50));
      f.put("ratioP50VsExtractPredict", viaTeePhase.percentile(50) / extractOnly.percentile(50));
      f.put("sealOpenP50Millis", sealOpenRoundTrip(model, served.modelDigest(), 500));
      f.put("channelSealOpenP50Millis", channelRoundTrip(model, served.modelDigest(), 500));
      f.put("maxAbsDifference", maxDifference);
      f.put("mismatches", mismatches);
      f.put("teeMinusDirectP50Millis", viaTeePhase.percentile(50) - direct.percentile(50));
      if (batch > 0) {
        double[][] rows = extractor.extract(study, site.all(), clock.instant()).matrix().values();
        teeBatches(lean, served.modelDigest(), model, rows, batch, concurrency, f);
        teeBatches(lean, served.modelDigest(), model, rows, batch, concurrency, f); // the first warmed up
        mismatches += ((Number) f.get("teeBatchMismatches")).intValue();
        mismatches += batchVersusSingles(teeSite, patients.subList(0, Math.min(batch, patients.size())), f);
      }
      if (httpBatch > 0) {
        mismatches += HospitalHttpBatch.measure(teeSite, STUDY, patients.subList(0, Math.min(httpBatch,
            patients.size())), f);
      }
      channel.shutdownNow();
      f.put("audits", site.audits.get());
      System.out.print(table(f));
      if (f.containsKey("httpBatchPatients")) {
        System.out.print(HospitalHttpBatch.table(f));
      }
      if (json != null) {
        Files.writeString(json, BenchJson.write(f), StandardCharsets.UTF_8);
      }
      if (mismatches > 0) {
        System.err.printf(Locale.ROOT, "FAILED: %d of %d TEE answers differ from the local prediction by more than %g"
            + " (max %.3g)%n", mismatches, requests, TOLERANCE, maxDifference);
        return 1;
      }
    }
    return 0;
  }

  /**
   * {@code n} patients through the TEE path: one batch call against {@code n} single calls, one caller,
   * best of three after one untimed round of each. Returns the number of batch answers that differ
   * from their single call's by more than 1e-9 (or are refused).
   */
  static int batchVersusSingles(InferenceService site, List<String> patients, Map<String, Object> f)
      throws Exception {
    org.fedfhir.fhir.audit.Requester caller = org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1");
    double[] singles = new double[patients.size()];
    double bestSingles = Double.MAX_VALUE;
    double bestBatch = Double.MAX_VALUE;
    List<InferenceService.Answer> answers = List.of();
    for (int round = 0; round < 4; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < patients.size(); i++) {
        singles[i] = site.infer(new InferenceService.Request(patients.get(i), STUDY, false, caller)).probability();
      }
      long t1 = System.nanoTime();
      answers = site.inferAll(new InferenceService.BatchRequest(patients, STUDY, false, caller));
      long t2 = System.nanoTime();
      if (round > 0) {
        bestSingles = Math.min(bestSingles, millis(t1 - t0));
        bestBatch = Math.min(bestBatch, millis(t2 - t1));
      }
    }
    int mismatches = 0;
    for (int i = 0; i < patients.size(); i++) {
      InferenceService.Answer a = answers.get(i);
      mismatches += a.result() != null && Math.abs(a.result().probability() - singles[i]) <= TOLERANCE ? 0 : 1;
    }
    batchFigures(f, "", patients.size(), bestBatch, bestSingles, mismatches);
    return mismatches;
  }

  /**
   * Writes one batch-against-singles comparison to {@code f}: {@code batchPatients}, {@code batchMillis},
   * {@code batchPatientsPerSecond}, {@code singlesMillis}, {@code singlesPatientsPerSecond},
   * {@code batchMismatches}, each name after {@code prefix} if one is given ({@code httpBatchMillis}).
   */
  static void batchFigures(Map<String, Object> f, String prefix, int patients, double batchMillis,
      double singlesMillis, int mismatches) {
    java.util.function.Function<String, String> key = name -> prefix.isEmpty() ? name
        : prefix + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    f.put(key.apply("batchPatients"), patients);
    f.put(key.apply("batchMillis"), batchMillis);
    f.put(key.apply("batchPatientsPerSecond"), patients / (batchMillis / 1000));
    f.put(key.apply("singlesMillis"), singlesMillis);
    f.put(key.apply("singlesPatientsPerSecond"), patients / (singlesMillis / 1000));
    f.put(key.apply("batchMismatches"), mismatches);
  }

  /**
   * The TEE hop alone on its lean path: {@code requests} patients' feature rows sealed {@code batch}
   * per call by {@code c} concurrent callers of one {@link LeanTeeClient} (one channel, a session per
   * caller), every answer checked against the clear model to 1e-9. Writes patients/s, the p50 of a
   * call and the mismatches to {@code f}.
   */
  void teeBatches(LeanTeeClient lean, String digest, LinearModel model, double[][] rows, int batch, int c,
      Map<String, Object> f) throws Exception {
    int calls = Math.max(200, requests / batch);
    int features = model.featureNames().size();
    AtomicInteger mismatches = new AtomicInteger();
    Phase phase = concurrently(calls, c, (i, out) -> {
      double[] packed = new double[batch * features];
      double[] expected = new double[batch];
      for (int k = 0; k < batch; k++) {
        double[] row = rows[(i * batch + k) % rows.length];
        System.arraycopy(row, 0, packed, k * features, features);
        expected[k] = released(model.predict(row));
      }
      double[] p = lean.predict(STUDY, digest, model.featureNames(), packed).probabilities();
      for (int k = 0; k < batch; k++) {
        mismatches.addAndGet(Math.abs(p[k] - expected[k]) <= TOLERANCE ? 0 : 1);
      }
      out[0] = p[0];
    });
    f.put("teeBatchSize", batch);
    f.put("teeBatchCalls", calls);
    f.put("teeBatchPatientsPerSecond", calls * (double) batch / phase.wallSeconds());
    f.put("teeBatchCallP50Millis", phase.percentile(50));
    f.put("teeBatchCallP99Millis", phase.percentile(99));
    f.put("teeBatchMismatches", mismatches.get());
  }

  /** The figures as a markdown table and the lines under it. */
  static String table(Map<String, Object> f) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nbench infer: %s requests per path, %s concurrent callers, %s patients "
            + "(4 UCI centres, in memory), %s features; TEE with simulated evidence on loopback%n%n",
        f.get("requests"), f.get("concurrency"), f.get("patients"), f.get("features")));
    out.append("| path | p50 ms | p99 ms | mean ms | requests/s | model call p50 ms |\n");
    out.append("|---|---:|---:|---:|---:|---:|\n");
    out.append(row("$infer through the TEE (extract, attested $predict on loopback, RiskAssessment)",
        f.get("teeP50Millis"), f.get("teeP99Millis"), f.get("teeMeanMillis"), f.get("teeRequestsPerSecond"),
        f.get("teeModelCallP50Millis")));
    out.append(row("$infer, model in the clear (extract, LinearModel.predict, RiskAssessment)",
        f.get("directP50Millis"), f.get("directP99Millis"), f.get("directMeanMillis"), f.get("directRequestsPerSecond"),
        f.get("directModelCallP50Millis")));
    out.append(row("extraction + LinearModel.predict only", f.get("extractPredictP50Millis"),
        f.get("extractPredictP99Millis"), null, f.get("extractPredictRequestsPerSecond"), null));
    out.append(String.format(Locale.ROOT, "%nTEE p50 − direct p50: %.3f ms (goal ≤ 1 ms); ratio TEE / direct at p50:"
            + " %.2f× (vs. extraction + predict only: %.2f×)%n", num(f.get("teeMinusDirectP50Millis")),
        num(f.get("ratioP50")), num(f.get("ratioP50VsExtractPredict"))));
    out.append(String.format(Locale.ROOT, "sealing alone, one thread, no network: a lean call on the session's channel "
        + "(AES-256-GCM seal and open each way) p50 %.3f ms; a FHIR $predict call (HPKE: response key, seal, open, "
        + "seal, open) p50 %.3f ms%n", num(f.get("channelSealOpenP50Millis")), num(f.get("sealOpenP50Millis"))));
    out.append(String.format(Locale.ROOT, "provision %.1f ms, first TEE call (with $attestation + verify) %.1f ms%n",
        num(f.get("provisionMillis")), num(f.get("firstTeeCallMillis"))));
    out.append(String.format(Locale.ROOT, "max |TEE − local| probability %.3g over %s requests; %s differ by more "
        + "than 1e-9%n", num(f.get("maxAbsDifference")), f.get("requests"), f.get("mismatches")));
    if (f.containsKey("teeBatchSize")) {
      out.append(String.format(Locale.ROOT, "%nthe TEE hop alone, %s patients sealed per call, %s calls by %s callers "
              + "(gRPC, attested session reused): %s patients/s (goal ≥ 10,000), call p50 %s ms, p99 %s ms; "
              + "%s answers differ from the clear model by more than 1e-9%n", f.get("teeBatchSize"),
          f.get("teeBatchCalls"), f.get("concurrency"), fmt(f.get("teeBatchPatientsPerSecond"), 0),
          fmt(f.get("teeBatchCallP50Millis"), 3), fmt(f.get("teeBatchCallP99Millis"), 3),
          f.get("teeBatchMismatches")));
    }
    if (f.containsKey("batchPatients")) {
      out.append(String.format(Locale.ROOT, "%n%s patients through the TEE, one caller (best of 3):%n%n",
          f.get("batchPatients")));
      out.append("| how | wall ms | patients/s |\n|---|---:|---:|\n");
      out.append(String.format(Locale.ROOT, "| one batch call (InferenceService.inferAll) | %s | %s |%n",
          fmt(f.get("batchMillis"), 1), fmt(f.get("batchPatientsPerSecond"), 0)));
      out.append(String.format(Locale.ROOT, "| %s single calls (InferenceService.infer) | %s | %s |%n",
          f.get("batchPatients"), fmt(f.get("singlesMillis"), 1), fmt(f.get("singlesPatientsPerSecond"), 0)));
      out.append(String.format(Locale.ROOT, "%s batch answers differ from their single call's by more than 1e-9%n",
          f.get("batchMismatches")));
    }
    return out.toString();
  }

  private static String row(String path, Object p50, Object p99, Object mean, Object perSecond, Object model) {
    return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", path, fmt(p50, 3), fmt(p99, 3),
        fmt(mean, 3), fmt(perSecond, 0), fmt(model, 4));
  }

  private static String fmt(Object v, int decimals) {
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      return "";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", n.doubleValue());
  }

  private static double num(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** Timed calls of one path. */
  record Phase(double[] latencies, double[] modelMillis, double[] probabilities, double wallSeconds) {
    double percentile(double p) {
      double[] sorted = latencies.clone();
      Arrays.sort(sorted);
      return BenchJson.percentile(sorted, p);
    }

    double modelPercentile(double p) {
      double[] sorted = modelMillis.clone();
      Arrays.sort(sorted);
      return BenchJson.percentile(sorted, p);
    }

    double mean() {
      return Arrays.stream(latencies).average().orElse(Double.NaN);
    }

    double perSecond() {
      return latencies.length / wallSeconds;
    }
  }

  /** {@code n} calls of {@code $infer} by {@code c} concurrent callers; request i asks for patient i mod P. */
  static Phase run(InferenceService site, Timed model, List<String> patients, int n, int c) throws Exception {
    return concurrently(n, c, (i, out) -> {
      try {
        RiskAssessment ra = site.infer(new InferenceService.Request(patients.get(i % patients.size()), STUDY, false,
            org.fedfhir.fhir.audit.Requester.anonymous("127.0.0.1"))).riskAssessment();
        out[0] = ra.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
        out[1] = model.lastMillis.get()[0];
      } catch (InferenceRefusal e) {
        throw new IllegalStateException("$infer refused patient " + patients.get(i % patients.size()) + ": "
            + e.getMessage(), e);
      }
    });
  }

  /** The same extraction and the model in the clear, without $infer's resources. */
  static Phase extractAndPredict(FeatureExtractor extractor, StudyDefinition study, Site site, LinearModel model,
      List<String> patients, int n, int c, Clock clock) throws Exception {
    return concurrently(n, c, (i, out) -> {
      String id = patients.get(i % patients.size());
      PatientFeatures features = extractor.extractPatient(study, site.forPatient(id), id, clock.instant());
      long m0 = System.nanoTime();
      out[0] = released(model.predict(features.values()));
      out[1] = millis(System.nanoTime() - m0);
    });
  }

  interface Call {
    /** Request {@code i}; writes its probability to out[0] and the model call's milliseconds to out[1]. */
    void run(int i, double[] out) throws Exception;
  }

  private static Phase concurrently(int n, int c, Call call) throws Exception {
    double[] latencies = new double[n];
    double[] modelMillis = new double[n];
    double[] probabilities = new double[n];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(c);
    try {
      List<Future<?>> workers = new ArrayList<>();
      long wall0 = System.nanoTime();
      for (int w = 0; w < c; w++) {
        workers.add(pool.submit(() -> {
          double[] out = new double[2];
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            long t0 = System.nanoTime();
            call.run(i, out);
            latencies[i] = millis(System.nanoTime() - t0);
            probabilities[i] = out[0];
            modelMillis[i] = out[1];
          }
          return null;
        }));
      }
      for (Future<?> w : workers) {
        w.get();
      }
      return new Phase(latencies, modelMillis, probabilities, (System.nanoTime() - wall0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The HPKE work of one TEE prediction without HTTP or FHIR, one thread: a response key, the
   * features sealed to the enclave key and opened there, the answer sealed to the response key and
   * opened. Median over {@code n} after as many untimed.
   */
  static double sealOpenRoundTrip(LinearModel model, String digest, int n) throws Exception {
    SecureRandom random = new SecureRandom();
    SealingKeyPair enclave = SealingKeyPair.generate(random);
    double[] values = model.means();
    double[] times = new double[n];
    for (int rep = 0; rep < 2; rep++) {
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        SealingKeyPair response = SealingKeyPair.generate(random);
        String id = Integer.toString(i);
        byte[] sealed = Hpke.seal(enclave.publicKey(), SealingContext.forFeatures(STUDY, digest, id),
            new FeaturesPayload(response.publicKey(), model.featureNames(), values).encode()).toBytes();
        FeaturesPayload in = FeaturesPayload.decode(Hpke.open(enclave, SealingContext.forFeatures(STUDY, digest, id),
            sealed));
        byte[] answer = Hpke.seal(in.responsePublicKey(), SealingContext.forPrediction(STUDY, digest, id),
            new PredictionPayload(model.predict(in.values())).encode()).toBytes();
        PredictionPayload.decode(Hpke.open(response, SealingContext.forPrediction(STUDY, digest, id), answer));
        response.destroy();
        times[i] = millis(System.nanoTime() - t0);
      }
    }
    Arrays.sort(times);
    return BenchJson.percentile(times, 50);
  }

  /**
   * The sealing work of one lean TEE call without gRPC, one thread: the batch sealed on a session
   * channel set up beforehand, opened in the enclave, the answer sealed and opened. Median over
   * {@code n} after as many untimed.
   */
  static double channelRoundTrip(LinearModel model, String digest, int n) throws Exception {
    SealingKeyPair enclave = SealingKeyPair.generate(new SecureRandom());
    SessionChannel.Initiated site = SessionChannel.initiate(enclave.publicKey());
    SessionChannel inEnclave = SessionChannel.accept(enclave, site.encapsulatedKey());
    String session = "00".repeat(16);
    byte[] features = FeatureBatch.newBuilder().addAllNames(model.featureNames())
        .addAllValues(Arrays.stream(model.means()).boxed().toList()).build().toByteArray();
    double[] times = new double[n];
    long sequence = 0;
    for (int rep = 0; rep < 2; rep++) {
      for (int i = 0; i < n; i++, sequence++) {
        long t0 = System.nanoTime();
        SealingContext request = SealingContext.forFeatureBatch(STUDY, digest, session, sequence);
        SealingContext response = SealingContext.forPredictionBatch(STUDY, digest, session, sequence);
        FeatureBatch in = FeatureBatch.parseFrom(inEnclave.openRequest(sequence, request,
            site.channel().sealRequest(sequence, request, features)));
        double p = model.predict(in.getValuesList().stream().mapToDouble(Double::doubleValue).toArray());
        byte[] answer = inEnclave.sealResponse(sequence, response,
            PredictionBatch.newBuilder().addProbabilities(p).build().toByteArray());
        PredictionBatch.parseFrom(site.channel().openResponse(sequence, response, answer));
        times[i] = millis(System.nanoTime() - t0);
      }
    }
    Arrays.sort(times);
    return BenchJson.percentile(times, 50);
  }

  /** A model service that remembers, per thread, how long its last prediction took. */
  static final class Timed implements ModelService {
    final ModelService delegate;
    final ThreadLocal<double[]> lastMillis = ThreadLocal.withInitial(() -> new double[1]);

    Timed(ModelService delegate) {
      this.delegate = delegate;
    }

    @Override
    public String baseUrl() {
      return delegate.baseUrl();
    }

    @Override
    public Prediction predict(String study, String modelDigest, List<String> names, double[] values)
        throws InferenceRefusal {
      long t0 = System.nanoTime();
      try {
        return delegate.predict(study, modelDigest, names, values);
      } finally {
        lastMillis.get()[0] = millis(System.nanoTime() - t0);
      }
    }
  }

  /** The model in the clear, in this process: the baseline. */
  /** A probability as the enclave releases it: rounded to the default precision, so the paths compare exactly. */
  static double released(double probability) {
    return org.fedfhir.tee.enclave.EnclaveModelService.round(probability,
        org.fedfhir.tee.enclave.EnclaveModelService.DEFAULT_PRECISION);
  }

  static final class ClearModelService implements ModelService {
    private final LinearModel model;

    ClearModelService(LinearModel model) {
      this.model = model;
    }

    @Override
    public String baseUrl() {
      return "in-process:clear";
    }

    @Override
    public Prediction predict(String study, String modelDigest, List<String> names, double[] values) {
      if (!names.equals(model.featureNames())) {
        throw new IllegalArgumentException("features " + names + " are not the model's " + model.featureNames());
      }
      return new Prediction(released(model.predict(values)), "none", "none");
    }
  }

  /**
   * A logistic model on the reference study's ten features: plausible means and SDs of the UCI
   * data, fixed weights (as {@code fhir-fl-module}'s inference tests). The weights do not change
   * the cost.
   */
  static LinearModel referenceModel() {
    return new LinearModel(STUDY, "22",
        List.of("age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak"),
        new double[] {53.5, 0.79, 3.25, 132.1, 220.0, 0.17, 0.6, 137.5, 0.39, 0.88},
        new double[] {9.4, 0.41, 0.93, 18.4, 93.0, 0.37, 0.8, 25.9, 0.49, 1.09},
        new double[] {0.31, 0.52, 0.68, 0.12, 0.05, 0.09, 0.11, -0.42, 0.47, 0.55}, -0.21);
  }

  /**
   * The site on plain objects: the four UCI centres in memory, indexed by patient so that one
   * patient's lookup reads only their resources (as the DAO-backed source's per-patient searches),
   * one approved study, nothing stored but a count of AuditEvents.
   */
  static final class Site implements StudyCatalog, SiteRecords {
    private final PlanDefinition plan;
    private final Map<String, InMemoryClinicalData> byPatient;
    private final InMemoryClinicalData all;
    final AtomicInteger audits = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();

    private Site(PlanDefinition plan, Map<String, InMemoryClinicalData> byPatient, InMemoryClinicalData all) {
      this.plan = plan;
      this.byPatient = byPatient;
      this.all = all;
    }

    static Site uciCentres(PlanDefinition plan, LocalDate today) {
      Map<String, InMemoryClinicalData> byPatient = new HashMap<>();
      InMemoryClinicalData all = new InMemoryClinicalData();
      for (HeartDiseaseCentre centre : HeartDiseaseCentre.values()) {
        Bundle b = HeartDiseaseFhir.transaction(centre, HeartDiseaseRow.read(centre), today);
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
          String id = e.getFullUrl().substring("urn:uuid:".length());
          Resource r = e.getResource();
          if (r instanceof Patient p) {
            p.setId("Patient/" + id);
            byPatient.computeIfAbsent(id, k -> new InMemoryClinicalData()).add(p);
            all.add(p);
          } else if (r instanceof Observation o) {
            o.setId("Observation/" + id);
            o.setSubject(local(o.getSubject()));
            byPatient.computeIfAbsent(patient(o.getSubject()), k -> new InMemoryClinicalData()).add(o);
            all.add(o);
          } else if (r instanceof Condition c) {
            c.setId("Condition/" + id);
            c.setSubject(local(c.getSubject()));
            byPatient.computeIfAbsent(patient(c.getSubject()), k -> new InMemoryClinicalData()).add(c);
            all.add(c);
          }
        }
      }
      return new Site(plan, Map.copyOf(byPatient), all);
    }

    private static Reference local(Reference r) {
      return new Reference("Patient/" + r.getReference().substring("urn:uuid:".length()));
    }

    private static String patient(Reference r) {
      return r.getReference().substring("Patient/".length());
    }

    ClinicalDataSource all() {
      return all;
    }

    @Override
    public List<PlanDefinition> find(String url, String version) {
      return url.equals(plan.getUrl()) && (version == null || version.equals(plan.getVersion()))
          ? List.of(plan) : List.of();
    }

    @Override
    public ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId) {
      return planDefinitionId.equals(plan.getIdElement().getIdPart())
          ? ApprovalGate.ApprovedDigests.of(StudyDigest.sha256Hex(FhirContext.forR4Cached(), plan))
          : ApprovalGate.ApprovedDigests.none();
    }

    @Override
    public ClinicalDataSource forPatient(String patientId) {
      InMemoryClinicalData data = byPatient.get(patientId);
      return data != null ? data : EMPTY;
    }

    @Override
    public String create(Resource resource) {
      return Integer.toString(ids.incrementAndGet());
    }

    @Override
    public void audit(AuditEvent event) {
      audits.incrementAndGet();
    }

    private static final ClinicalDataSource EMPTY = new ClinicalDataSource() {
      @Override
      public List<Patient> patients() {
        return List.of();
      }

      @Override
      public List<Consent> consents() {
        return List.of();
      }

      @Override
      public void observations(Code code, Consumer<Observation> sink) {}

      @Override
      public void conditions(Collection<Code> codes, Consumer<Condition> sink) {}

      @Override
      public void records(Consumer<Observation> observations, Consumer<Condition> conditions) {}
    };
  }

  /** Logback's default is DEBUG to the console: a line per call would be part of what is timed. */
  static void quietLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext lc) {
      lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
