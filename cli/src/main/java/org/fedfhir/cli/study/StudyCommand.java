package org.fedfhir.cli.study;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.federation.StudyDigest;
import org.hl7.fhir.r4.model.PlanDefinition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./fedfhir study …}: what a data steward needs to know about a study definition. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    description = "Study definitions (PlanDefinition JSON): the digest a data steward approves.")
public final class StudyCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code ./fedfhir study digest FILE}: the study digest ({@link StudyDigest}) of a PlanDefinition,
   * as the approving ResearchStudy's extension {@value ApprovalGate#DIGEST_EXTENSION} writes it
   * ({@code sha256:<hex>}). The digest ignores {@code id}, {@code meta} and {@code text}, so the file
   * a steward reviewed and the copy stored on the hospital server digest alike.
   */
  @Command(
      name = "digest",
      mixinStandardHelpOptions = true,
      description = "Print the study digest (sha256:<hex>) of a PlanDefinition JSON file, for the approving"
          + " ResearchStudy's extension " + ApprovalGate.DIGEST_EXTENSION + ".")
  int digest(@Parameters(paramLabel = "FILE", description = "The study's PlanDefinition (JSON).") Path file)
      throws IOException {
    FhirContext context = FhirContext.forR4Cached();
    PlanDefinition study;
    try {
      study = context.newJsonParser().parseResource(PlanDefinition.class, Files.readString(file));
    } catch (DataFormatException e) {
      spec.commandLine().getErr().println(file + " is not a PlanDefinition in JSON: " + e.getMessage());
      return 2;
    }
    spec.commandLine().getOut().println(ApprovalGate.DIGEST_PREFIX + StudyDigest.sha256Hex(context, study));
    return 0;
  }
}
