package org.fedfhir.cli.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.fhir.inference.InferenceService;
import org.fedfhir.fhir.plugin.InferOperationProvider;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * {@code $infer-batch} for N patients in one HTTP call against N single {@code $infer} calls, over
 * HTTP on loopback: the hospital's operation provider ({@link InferOperationProvider}) on a HAPI
 * {@link RestfulServer} in Jetty, called by HAPI's generic client (JSON, one pooled connection), with
 * the site's records in memory and the TEE on its lean path. Not the whole hospital (no JPA reads,
 * no SMART token check): the figure is what the FHIR exchanges cost beside the inference. Best of
 * three after one untimed round; every batch answer must equal its single call's to 1e-9.
 */
final class HospitalHttpBatch {

  private HospitalHttpBatch() {}

  /** Writes {@code httpBatch*} and {@code httpSingles*} figures to {@code f}; returns the mismatches. */
  static int measure(InferenceService site, String study, List<String> patients, Map<String, Object> f)
      throws Exception {
    RestfulServer fhir = new RestfulServer(FhirContext.forR4());
    fhir.setDefaultResponseEncoding(EncodingEnum.JSON);
    fhir.registerProvider(new InferOperationProvider(site));
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder("fhir", fhir), "/fhir/*");
    jetty.setHandler(context);
    jetty.start();
    try {
      FhirContext ctx = FhirContext.forR4();
      ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
      IGenericClient client = ctx.newRestfulGenericClient("http://127.0.0.1:" + connector.getLocalPort() + "/fhir");
      Parameters batch = new Parameters();
      batch.addParameter().setName("study").setValue(new CanonicalType(study));
      patients.forEach(id -> batch.addParameter().setName("patient").setValue(new Reference("Patient/" + id)));
      Parameters single = new Parameters();
      single.addParameter().setName("study").setValue(new CanonicalType(study));

      double[] singles = new double[patients.size()];
      Map<String, Double> batched = new HashMap<>();
      double bestSingles = Double.MAX_VALUE;
      double bestBatch = Double.MAX_VALUE;
      for (int round = 0; round < 4; round++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < patients.size(); i++) {
          RiskAssessment ra = client.operation().onInstance(new IdType("Patient", patients.get(i))).named("$infer")
              .withParameters(single).returnResourceType(RiskAssessment.class).execute();
          singles[i] = probability(ra);
        }
        long t1 = System.nanoTime();
        Bundle answer = client.operation().onType(Patient.class).named(InferOperationProvider.BATCH)
            .withParameters(batch).returnResourceType(Bundle.class).execute();
        long t2 = System.nanoTime();
        batched.clear();
        for (Bundle.BundleEntryComponent e : answer.getEntry()) {
          if (e.getResource() instanceof RiskAssessment ra) {
            batched.put(ra.getSubject().getReferenceElement().getIdPart(), probability(ra));
          }
        }
        if (round > 0) {
          bestSingles = Math.min(bestSingles, (t1 - t0) / 1e6);
          bestBatch = Math.min(bestBatch, (t2 - t1) / 1e6);
        }
      }
      int mismatches = 0;
      for (int i = 0; i < patients.size(); i++) {
        Double b = batched.get(patients.get(i));
        mismatches += b != null && Math.abs(b - singles[i]) <= InferBench.TOLERANCE ? 0 : 1;
      }
      InferBench.batchFigures(f, "http", patients.size(), bestBatch, bestSingles, mismatches);
      return mismatches;
    } finally {
      jetty.stop();
    }
  }

  private static double probability(RiskAssessment ra) {
    return ra.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
  }

  /** The figures as a markdown table. */
  static String table(Map<String, Object> f) {
    return String.format(java.util.Locale.ROOT, "%n%s patients over HTTP to the hospital's $infer operations "
            + "(HAPI RestfulServer, JSON, loopback; records in memory; TEE on its lean path), one caller, best of 3:"
            + "%n%n| how | wall ms | patients/s |%n|---|---:|---:|%n| one $infer-batch call | %,.1f | %,.0f |%n"
            + "| %s single $infer calls | %,.1f | %,.0f |%n%s batch answers differ from their single call's by more "
            + "than 1e-9%n", f.get("httpBatchPatients"), f.get("httpBatchMillis"), f.get("httpBatchPatientsPerSecond"),
        f.get("httpBatchPatients"), f.get("httpSinglesMillis"), f.get("httpSinglesPatientsPerSecond"),
        f.get("httpBatchMismatches"));
  }
}
