package org.fedfhir.cli.cleanroom;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import org.fedfhir.fhir.cohort.ApprovalGate;
import org.fedfhir.fhir.federation.StudyDigest;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.tee.cleanroom.ResultRecord;
import org.fedfhir.tee.client.CleanRoomReceipt;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./fedfhir clean-room …}: what a researcher does around a clean-room study
 * (docs/cleanroom.md): make the key the result is sealed to, put its public half into the study, and
 * open the result the aggregator relays.
 */
@Command(
    name = "clean-room",
    mixinStandardHelpOptions = true,
    description = "Clean-room studies: the researcher's result key, and opening a sealed result (docs/cleanroom.md).")
public final class CleanRoomCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = "Write a new result key (owner-only file) and print its public key (base64) for the study.")
  int keygen(@Option(names = "--out", required = true, paramLabel = "FILE", description = "the key file to create") Path out)
      throws IOException {
    try {
      ResultKeyFile.refuseExisting(out);
    } catch (FileAlreadyExistsException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    SealingKeyPair key = ResultKeyFile.create(out, new SecureRandom());
    spec.commandLine().getOut().println(Base64.getEncoder().encodeToString(key.publicKey()));
    key.destroy();
    return 0;
  }

  @Command(name = "seal-to", mixinStandardHelpOptions = true,
      description = "Write the clean-room study STUDY with its result sealed to KEY's public key; print the new study digest"
          + " the data stewards approve.")
  int sealTo(@CommandLine.Parameters(index = "0", paramLabel = "STUDY", description = "clean-room PlanDefinition (JSON)") Path study,
      @Option(names = "--key", required = true, paramLabel = "FILE", description = "the result key (from keygen)") Path keyFile,
      @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the study") Path out)
      throws IOException {
    FhirContext ctx = FhirContext.forR4Cached();
    PlanDefinition pd;
    try {
      pd = ctx.newJsonParser().parseResource(PlanDefinition.class, Files.readString(study));
    } catch (DataFormatException e) {
      spec.commandLine().getErr().println(study + " is not a PlanDefinition in JSON: " + e.getMessage());
      return 2;
    }
    SealingKeyPair key = readKey(keyFile);
    if (key == null) {
      return 2;
    }
    PlanDefinition sealed = CleanRoomDeclarations.withResultKey(pd, key.publicKey());
    key.destroy();
    Files.writeString(out, ctx.newJsonParser().setPrettyPrint(true).encodeResourceToString(sealed));
    spec.commandLine().getOut().println(ApprovalGate.DIGEST_PREFIX + StudyDigest.sha256Hex(ctx, sealed));
    return 0;
  }

  @Command(name = "open", mixinStandardHelpOptions = true,
      description = "Open a $clean-room-result answer (Parameters JSON, as the aggregator returns it) with the result key"
          + " and print its records.")
  int open(@CommandLine.Parameters(index = "0", paramLabel = "ANSWER", description = "the $clean-room-result answer (JSON)") Path answer,
      @Option(names = "--key", required = true, paramLabel = "FILE", description = "the result key (from keygen)") Path keyFile)
      throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    CleanRoomReceipt receipt;
    try {
      receipt = CleanRoomReceipt.of(FhirContext.forR4Cached().newJsonParser().parseResource(Parameters.class,
          Files.readString(answer)));
    } catch (DataFormatException | IllegalArgumentException e) {
      err.println(answer + " is not a $clean-room-result answer: " + e.getMessage());
      return 2;
    }
    SealingKeyPair key = readKey(keyFile);
    if (key == null) {
      return 2;
    }
    CleanRoomReceipt.Opened opened;
    try {
      opened = receipt.open(key);
    } catch (SealingException e) {
      err.println("the result does not open with this key for this receipt (sealed to another key, or altered)");
      return 1;
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 1;
    } finally {
      key.destroy();
    }
    print(spec.commandLine().getOut(), receipt, opened);
    return 0;
  }

  /** The receipt and the records, one per line. */
  public static void print(PrintWriter out, CleanRoomReceipt receipt, CleanRoomReceipt.Opened opened) {
    out.println("program sha256 " + receipt.programSha256() + ", sites " + String.join(", ", receipt.sites())
        + "; " + receipt.released() + " records released, " + receipt.suppressed() + " suppressed");
    out.printf(Locale.ROOT, "  %-23s %6s %14s%n", "record", "group", "value");
    for (ResultRecord r : opened.records()) {
      out.printf(Locale.ROOT, "  %-23s %6s %14s%n", r.name(), r.group() == ResultRecord.ALL_ROWS ? "all" : r.group(),
          r.value());
    }
    out.flush();
  }

  private SealingKeyPair readKey(Path file) throws IOException {
    try {
      return ResultKeyFile.read(file);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return null;
    }
  }
}
