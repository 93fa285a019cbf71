package org.fedfhir.cli.load;

import ca.uhn.fhir.context.FhirContext;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.fedfhir.fhir.loader.BundleLoader;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./fedfhir load heart-disease --centre C --fhir URL}. */
@Command(name = "heart-disease", mixinStandardHelpOptions = true,
    description = "Load one UCI Heart Disease centre (CC BY 4.0; Janosi, Steinbrunn, Pfisterer, Detrano) as "
        + "Patients, Observations (LOINC / project codes, UCUM units) and Conditions (SNOMED 53741008).")
public final class LoadHeartDiseaseCommand implements Callable<Integer> {
  @Option(names = "--centre", required = true, description = "cleveland | hungarian | switzerland | va")
  String centre;

  @Option(names = "--fhir", required = true, description = "FHIR base URL, e.g. http://localhost:8080/fhir")
  String fhir;

  @picocli.CommandLine.Mixin
  org.fedfhir.cli.auth.BackendCredentials credentials = new org.fedfhir.cli.auth.BackendCredentials();

  @picocli.CommandLine.Mixin
  LoadOptions load = new LoadOptions();

  @Override
  public Integer call() throws java.io.IOException {
    load.check();
    HeartDiseaseCentre c = HeartDiseaseCentre.fromCode(centre);
    long t0 = System.nanoTime();
    BundleLoader loader = new BundleLoader(FhirContext.forR4Cached(), fhir, credentials.tokens(fhir));
    int n = loader.loadHeartDisease(c, load.perBundle(), LocalDate.now(), load.inFlight());
    System.out.printf("loaded %d patients of %s into %s in %.1f s%n", n, c.code(), fhir,
        (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
