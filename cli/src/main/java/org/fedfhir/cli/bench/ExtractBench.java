package org.fedfhir.cli.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.BundleLoader;
import org.fedfhir.fhir.loader.SyntheticCohort;
import org.fedfhir.fhir.plugin.DaoClinicalDataSource;
import org.fedfhir.fhir.server.HospitalServer;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.fhir.training.LinearAlgorithm;
import org.fedfhir.fhir.training.LocalTrainer;
import org.fedfhir.fhir.training.TrainingConfig;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.fhir.training.TrainingResult;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir bench extract}: loads a seeded synthetic cohort (~10 Observations per patient)
 * into an in-process hospital server over REST, then extracts the heart-disease study's feature
 * matrix through the JPA DAOs and trains on it. Prints rates; never fails on speed.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = "Load a synthetic cohort into a hospital server and measure load and extraction rates.")
public final class ExtractBench implements Callable<Integer> {
  @Option(names = "--patients", defaultValue = "10000", description = "Patients (default ${DEFAULT-VALUE}).")
  int patients;

  @Option(names = "--per-bundle", defaultValue = "100", description = "Patients per transaction (default ${DEFAULT-VALUE}).")
  int perBundle;

  @Option(names = "--seed", defaultValue = "43", description = "Generator seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--db", defaultValue = "jdbc:h2:mem:fedfhir-bench;DB_CLOSE_DELAY=-1",
      description = "Database (default H2 in memory).")
  String db;

  @Override
  public Integer call() throws Exception {
    FhirContext fhir = FhirContext.forR4Cached();
    long s0 = System.nanoTime();
    int port = org.fedfhir.cli.demo.FreePorts.loopback(1).get(0);
    String base = "http://localhost:" + port + "/fhir";
    java.nio.file.Path authDir = java.nio.file.Files.createTempDirectory("fedfhir-bench-auth");
    try (org.fedfhir.cli.auth.LocalAuthServer auth = org.fedfhir.cli.auth.LocalAuthServer.start(
            org.fedfhir.cli.auth.SiteAccounts.inDirectory(authDir, "bench", base), "127.0.0.1", 0, base);
        ConfigurableApplicationContext ctx = HospitalServer.start(
            HospitalServer.Options.local(port, "bench", db, auth.issuer()))) {
      double startup = (System.nanoTime() - s0) / 1e9;
      BundleLoader loader = new BundleLoader(fhir, base, auth.integratorTokens(base));
      SyntheticCohort cohort = new SyntheticCohort(seed, LocalDate.now());
      long l0 = System.nanoTime();
      int resources = 0;
      for (int done = 0; done < patients; done += perBundle) {
        resources += loader.post(cohort.transaction(Math.min(perBundle, patients - done)));
      }
      double load = (System.nanoTime() - l0) / 1e9;

      StudyDefinition study;
      try (InputStream in = ExtractBench.class.getResourceAsStream("/studies/heart-disease-lr.json")) {
        study = new StudyParser().parse(fhir.newJsonParser().parseResource(PlanDefinition.class, in));
      }
      DaoRegistry daos = ctx.getBean(DaoRegistry.class);
      FeatureExtractor extractor = new FeatureExtractor(new UcumConverter());
      extractor.extract(study, new DaoClinicalDataSource(daos), Instant.now()); // warm-up
      long e0 = System.nanoTime();
      Extraction ex = extractor.extract(study, new DaoClinicalDataSource(daos), Instant.now());
      double extract = (System.nanoTime() - e0) / 1e9;
      long t0 = System.nanoTime();
      TrainingResult r = new LocalTrainer().train(
          new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels()),
          new TrainingConfig(LinearAlgorithm.LOGISTIC_REGRESSION, study.parameters().localEpochs(),
              study.parameters().learningRate(), seed, study.parameters().testFraction()), null);
      double train = (System.nanoTime() - t0) / 1e9;

      System.out.printf("%nbench extract: %d synthetic patients, %d resources, %d per transaction, %s%n",
          patients, resources, perBundle, db.startsWith("jdbc:h2:mem") ? "H2 in memory" : db);
      System.out.printf("%-34s %12s %14s%n", "step", "seconds", "patients/s");
      System.out.printf("%-34s %12.1f %14s%n", "server start (HAPI JPA)", startup, "");
      System.out.printf("%-34s %12.1f %14.0f%n", "load (REST transactions)", load, patients / load);
      System.out.printf("%-34s %12.2f %14.0f%n", "extract 10 features (DAO, warm)", extract, patients / extract);
      System.out.printf("%-34s %12.2f %14.0f%n", "train LR (" + study.parameters().localEpochs() + " epochs)", train,
          patients / train);
      System.out.printf("rows %d, missing %d, unconvertible units %d, test accuracy %.3f, AUC %.3f%n",
          ex.counts().included(), ex.counts().missing(), ex.counts().unconvertibleUnits(), r.metrics().accuracy(),
          r.metrics().auc());
    }
    return 0;
  }
}
