package org.fedfhir.cli.demo;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.cli.cleanroom.CleanRoomCommand;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.tee.cleanroom.ResultRecord;
import org.fedfhir.tee.client.CleanRoomReceipt;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The clean room over the network, as a researcher and the data stewards would run it: the researcher
 * makes a result key and publishes the guide's {@code clean-room-median} study sealed to it at the
 * aggregator and the hospitals; each steward approves it and runs {@code $clean-room} (the site
 * extracts its rows, checks the TEE's attestation and delivers them sealed); the researcher fetches
 * the receipt and the sealed result from the aggregator's {@code $clean-room-result} and opens it.
 * Prints the receipt and the released records (the median and quartiles of cholesterol by diagnosis).
 */
final class CleanRoomDriver {
  static final String STUDY_ID = "clean-room-median";

  private final FhirHttp http;
  private final FhirHttp researcher;
  private final Topology topology;
  private final TrainingDriver driver;
  private final PrintStream console;

  CleanRoomDriver(FhirHttp http, FhirHttp researcher, Topology topology, TrainingDriver driver,
      PrintStream console) {
    this.http = http;
    this.researcher = researcher;
    this.topology = topology;
    this.driver = driver;
    this.console = console;
  }

  /** The guide's example clean-room study (median.wasm over chol by diagnosis). */
  static PlanDefinition guideStudy(FhirContext ctx) {
    try (InputStream in = FedFhirIg.class.getClassLoader()
        .getResourceAsStream("org/fedfhir/ig/generated/resources/PlanDefinition-clean-room-median.json")) {
      if (in == null) {
        throw new IllegalStateException("the guide's PlanDefinition-clean-room-median.json is not on the classpath");
      }
      return ctx.newJsonParser().parseResource(PlanDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the study; returns the {@code cleanRoom} part of report.json. */
  Map<String, Object> run(FhirContext ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    SealingKeyPair key = SealingKeyPair.generate(new SecureRandom());
    try {
      PlanDefinition pd = CleanRoomDeclarations.withResultKey(guideStudy(ctx), key.publicKey());
      pd.setId(STUDY_ID);
      // the guide's example runs with 3 of the sites; the demo pools all of them
      for (org.hl7.fhir.r4.model.Extension parameter : pd.getExtensionsByUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER)) {
        if ("min-sites".equals(parameter.getExtensionByUrl("name").getValue().primitiveValue())) {
          parameter.getExtensionByUrl("value").setValue(new org.hl7.fhir.r4.model.IntegerType(topology.centres().size()));
        }
      }
      out.put("study", pd.getUrl() + "|" + pd.getVersion());
      String refusal = run(pd, key, out);
      if (refusal != null) {
        out.put("status", "not-run");
        out.put("reason", refusal);
        console.println("  not run: " + refusal);
      }
      return out;
    } finally {
      key.destroy();
    }
  }

  private String run(PlanDefinition pd, SealingKeyPair key, Map<String, Object> out) {
    String agg = topology.aggregatorFhirBase();
    if (agg == null) {
      return "this build's aggregator has no FHIR endpoint";
    }
    FhirHttp.Answer published = researcher.put(agg, pd);
    if (!published.ok()) {
      return "the aggregator refused the study: " + http.describe(published);
    }
    Map<String, String> refused = driver.publishAndApprove(pd);
    if (!refused.isEmpty()) {
      return "hospitals refused the study: " + TrainingDriver.describe(refused);
    }
    // each site's data steward has it extract, seal and deliver its rows
    TrainingDriver.SiteCalls deliveries = driver.stewardsPost(STUDY_ID, "$clean-room");
    List<String> delivered = deliveries.accepted();
    console.println(deliveries.line("delivered sealed rows"));
    out.put("delivered", delivered);
    FhirHttp.Answer answer = researcher.post(agg + "/PlanDefinition/" + STUDY_ID + "/$clean-room-result", new Parameters());
    if (!answer.ok()) {
      return "the aggregator relayed no result: " + http.describe(answer);
    }
    CleanRoomReceipt receipt = CleanRoomReceipt.of(http.parse(Parameters.class, answer.body()));
    CleanRoomReceipt.Opened opened;
    try {
      opened = receipt.open(key);
    } catch (SealingException | IllegalArgumentException e) {
      return "the result does not open with the researcher's key: " + e.getMessage();
    }
    PrintWriter printer = new PrintWriter(console, true);
    CleanRoomCommand.print(printer, receipt, opened);
    out.put("status", "completed");
    out.put("programSha256", receipt.programSha256());
    out.put("outputSha256", receipt.outputSha256());
    out.put("sites", receipt.sites());
    out.put("suppressed", receipt.suppressed());
    List<Map<String, Object>> records = new ArrayList<>();
    for (ResultRecord r : opened.records()) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("name", r.name());
      record.put("group", r.group() == ResultRecord.ALL_ROWS ? "all" : r.group());
      record.put("value", r.value());
      records.add(record);
    }
    out.put("records", records);
    return null;
  }
}
