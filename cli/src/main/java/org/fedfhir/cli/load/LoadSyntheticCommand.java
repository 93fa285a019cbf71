package org.fedfhir.cli.load;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.fedfhir.cli.auth.BackendCredentials;
import org.fedfhir.fhir.loader.BundleLoader;
import org.fedfhir.fhir.loader.SyntheticCohort;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./fedfhir load synthetic --patients N [--seed S] --fhir URL}. */
@Command(name = "synthetic", mixinStandardHelpOptions = true,
    description = "Load a seeded synthetic population for the heart-disease studies (blood-pressure panels, "
        + "cholesterol in mixed units over years, an exercise test, Conditions, research Consents) as "
        + "transactions of many patients, several in flight.")
public final class LoadSyntheticCommand implements Callable<Integer> {
  @Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--patients", required = true, description = "How many patients.")
  int patients;

  @Option(names = "--seed", defaultValue = "43", description = "Generator seed (default ${DEFAULT-VALUE}): same "
      + "seed, same population.")
  long seed;

  @Option(names = "--fhir", required = true, description = "FHIR base URL, e.g. http://localhost:8080/fhir")
  String fhir;

  @Mixin
  BackendCredentials credentials = new BackendCredentials();

  @Option(names = "--consent-token-file", paramLabel = "FILE", description = "A data steward's access token: "
      + "Consents are written with it (an integrator may not). Without it the Consents are skipped.")
  Path consentTokenFile;

  @Mixin
  LoadOptions load = new LoadOptions();

  @Override
  public Integer call() throws Exception {
    if (patients < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--patients " + patients + ": need at least 1");
    }
    load.check();
    FhirContext ctx = FhirContext.forR4Cached();
    BundleLoader steward = null;
    if (consentTokenFile != null) {
      steward = new BundleLoader(ctx, fhir, Files.readString(consentTokenFile).strip());
    }
    long t0 = System.nanoTime();
    BundleLoader.Loaded loaded = new BundleLoader(ctx, fhir, credentials.tokens(fhir)).loadSynthetic(
        new SyntheticCohort(seed, LocalDate.now()), patients, load.perBundle(), load.inFlight(), steward);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("loaded %d synthetic patients (seed %d, %d resources) into %s in %.1f s: %.0f patients/s%n",
        patients, seed, loaded.resources(), fhir, seconds, patients / seconds);
    if (loaded.consentsSkipped() > 0) {
      System.out.printf("%d Consents skipped: give a data steward's token with --consent-token-file%n",
          loaded.consentsSkipped());
    }
    return 0;
  }
}
