package org.fedfhir.cli.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.tee.client.ServedModel;
import org.fedfhir.tee.client.ServedModelsFile;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.RiskAssessment;

/**
 * After training: waits until the aggregator has provisioned a study's model into the (simulated) TEE
 * model service and written it to the models file, then calls {@code POST [site]/Patient/{id}/$infer}
 * for a few patients at each hospital over FHIR REST. Prints and records only patient ids, risks, the
 * model digest and the enclave's measurement; never a feature value.
 */
final class InferenceDriver {
  /** Patients tried per hospital to find {@link #PER_SITE} the model can score. */
  private static final int CANDIDATES = 12;
  static final int PER_SITE = 3;

  private final FhirHttp http;
  private final SiteIdentities identities;
  private final Topology topology;
  private final PrintStream console;

  /** As the hospitals' clinicians (their own accounts): {@code user/Patient.rs}, {@code user/RiskAssessment.c}. */
  InferenceDriver(FhirHttp http, Topology topology, SiteIdentities identities, PrintStream console) {
    this.http = http;
    this.identities = identities;
    this.topology = topology;
    this.console = console;
  }

  /** One patient's answer: the risk, or why there is none (HTTP status and the server's words). */
  record PatientRisk(String patient, Double probability, String refusal) {}

  /** Waits for the study's line in the models file; empty if it does not come in time. */
  static Optional<ServedModel> awaitProvisioned(Path modelsFile, String study, Duration timeout) {
    ServedModelsFile file = new ServedModelsFile(modelsFile);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<ServedModel> m;
      try {
        m = file.forStudy(study);
      } catch (RuntimeException e) {
        m = Optional.empty();
      }
      if (m.isPresent() || System.nanoTime() > deadline) {
        return m;
      }
      DemoNetwork.sleep(200);
    }
  }

  /** Runs {@code $infer} at every hospital in parallel; returns the {@code inference} part of report.json. */
  Map<String, Object> run(String strategy, String study, Path modelsFile, Duration provisioningTimeout) {
    long t0 = System.nanoTime();
    Optional<ServedModel> served = awaitProvisioned(modelsFile, study, provisioningTimeout);
    double waited = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("strategy", strategy);
    out.put("study", study);
    if (served.isEmpty()) {
      out.put("status", "not-run");
      out.put("reason", "the aggregator had not provisioned the model within " + provisioningTimeout.toSeconds() + " s");
      console.println("  not run: " + out.get("reason"));
      return out;
    }
    ServedModel m = served.get();
    console.printf(Locale.ROOT, "  model for %s provisioned (%.1f s after training): sha256 %s…, %d sites, round %d%n",
        study, waited, m.modelDigest().substring(0, 16), m.siteCount(), m.round());
    console.printf("  TEE measurement %s… (SIMULATED evidence: software platform key, no hardware)%n",
        m.measurement().substring(0, 16));
    Map<String, CompletableFuture<List<PatientRisk>>> calls = new LinkedHashMap<>();
    for (String c : topology.centres()) {
      calls.put(c, CompletableFuture.supplyAsync(() -> site(c, topology.hospitalBase(c), study)));
    }
    Map<String, Object> perCentre = new LinkedHashMap<>();
    calls.forEach((c, f) -> {
      List<PatientRisk> risks = f.join();
      perCentre.put(c, centreJson(risks));
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-11s", c));
      for (PatientRisk r : risks) {
        line.append(r.probability() != null
            ? String.format(Locale.ROOT, " Patient/%s risk %.3f;", r.patient(), r.probability())
            : String.format(" Patient/%s %s;", r.patient(), r.refusal()));
      }
      console.println(line.toString().replaceAll(";$", ""));
    });
    out.put("status", "completed");
    out.put("modelDigest", m.modelDigest());
    out.put("measurement", m.measurement());
    out.put("siteCount", m.siteCount());
    out.put("round", m.round());
    out.put("evidence", "simulated (software platform key; proves nothing about hardware)");
    out.put("perCentre", perCentre);
    return out;
  }

  static Map<String, Object> centreJson(List<PatientRisk> risks) {
    Map<String, Object> e = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    List<Double> probabilities = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (PatientRisk r : risks) {
      if (r.probability() != null) {
        ids.add(r.patient());
        probabilities.add(r.probability());
      } else {
        refused.add(r.patient() + ": " + r.refusal());
      }
    }
    e.put("patients", ids);
    e.put("probabilities", probabilities);
    if (!refused.isEmpty()) {
      e.put("refused", refused);
    }
    return e;
  }

  /** Up to {@link #PER_SITE} risks at one hospital (patients the model cannot score are skipped, up to a few). */
  private List<PatientRisk> site(String centre, String base, String study) {
    FhirHttp http = this.http.as(identities.clinician(centre));
    List<PatientRisk> risks = new ArrayList<>();
    FhirHttp.Answer list = http.get(base + "/Patient?_count=" + CANDIDATES + "&_elements=id&_sort=_id");
    if (!list.ok()) {
      risks.add(new PatientRisk("?", null, "GET Patient: " + http.describe(list)));
      return risks;
    }
    List<String> ids = new ArrayList<>();
    for (Bundle.BundleEntryComponent e : http.parse(Bundle.class, list.body()).getEntry()) {
      ids.add(e.getResource().getIdElement().getIdPart());
    }
    int scored = 0;
    List<PatientRisk> skipped = new ArrayList<>();
    for (String id : ids) {
      if (scored == PER_SITE) {
        break;
      }
      Parameters in = new Parameters();
      in.addParameter().setName("study").setValue(new CanonicalType(study));
      FhirHttp.Answer a = http.post(base + "/Patient/" + id + "/$infer", in);
      if (a.ok()) {
        RiskAssessment ra = http.parse(RiskAssessment.class, a.body());
        risks.add(new PatientRisk(id, ra.getPredictionFirstRep().getProbabilityDecimalType().getValueAsNumber()
            .doubleValue(), null));
        scored++;
      } else {
        skipped.add(new PatientRisk(id, null, "HTTP " + a.status()));
      }
    }
    if (scored == 0) {
      risks.addAll(skipped);
    }
    return risks;
  }
}
