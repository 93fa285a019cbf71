package org.fedfhir.cli.load;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.fedfhir.fhir.loader.BundleLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./fedfhir load bundle FILE… --fhir URL}. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
    description = "Post FHIR bundle files (JSON or XML; e.g. Synthea's) as transactions.")
public final class LoadBundleCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Bundle files.")
  List<Path> files;

  @Option(names = "--fhir", required = true, description = "FHIR base URL, e.g. http://localhost:8080/fhir")
  String fhir;

  @picocli.CommandLine.Mixin
  org.fedfhir.cli.auth.BackendCredentials credentials = new org.fedfhir.cli.auth.BackendCredentials();

  @Override
  public Integer call() throws Exception {
    BundleLoader loader = new BundleLoader(FhirContext.forR4Cached(), fhir, credentials.tokens(fhir));
    int failed = 0;
    for (Path f : files) {
      try {
        int n = loader.postFile(f);
        System.out.printf("%s: %d entries%n", f.getFileName(), n);
      } catch (Exception e) {
        failed++;
        System.err.printf("%s: failed: %s%n", f.getFileName(), e.getMessage());
      }
    }
    return failed == 0 ? 0 : 1;
  }
}
