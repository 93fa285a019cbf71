package org.fedfhir.fhir.plugin;

import java.util.List;
import org.fedfhir.fhir.inference.InferenceService;
import org.hl7.fhir.r4.model.Bundle;

/** Batch {@code $infer}'s answers as a {@code batch-response} Bundle, one entry per patient in order. */
final class BatchResponses {
  private BatchResponses() {}

  static Bundle bundle(List<InferenceService.Answer> answers) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
    for (InferenceService.Answer a : answers) {
      Bundle.BundleEntryComponent entry = bundle.addEntry();
      if (a.result() != null) {
        entry.setResource(a.result().riskAssessment());
        if (a.result().persisted()) {
          entry.getResponse().setLocation(a.result().riskAssessment().getIdElement().getValue());
        }
        entry.getResponse().setStatus(a.result().persisted() ? "201 Created" : "200 OK");
      } else {
        entry.getResponse().setStatus(Integer.toString(a.refusal().status())).setOutcome(a.refusal().outcome());
      }
    }
    return bundle;
  }
}
