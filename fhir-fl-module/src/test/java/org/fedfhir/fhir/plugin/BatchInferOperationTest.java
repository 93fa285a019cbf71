package org.fedfhir.fhir.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.test.utilities.server.RestfulServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.inference.InferenceFixtures;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.RiskAssessment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST [base]/Patient/$infer-batch} over HTTP on a plain HAPI server: a {@code batch-response}
 * Bundle with one entry per patient, in order, each the risk of the single {@code $infer} or the
 * OperationOutcome of that patient's refusal.
 */
class BatchInferOperationTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final InMemoryClinicalData CLEVELAND = InferenceFixtures.centre(HeartDiseaseCentre.CLEVELAND);
  static final InferenceFixtures.Site SITE = new InferenceFixtures.Site(CLEVELAND);

  @RegisterExtension
  static final RestfulServerExtension SERVER = new RestfulServerExtension(CTX)
      .registerProvider(new InferOperationProvider(InferenceFixtures.service(SITE, new InferenceFixtures.ClearModel())))
      .withDefaultResponseEncoding(EncodingEnum.JSON)
      .withServerBeforeStarted(jetty -> ((ServerConnector) jetty.getConnectors()[0]).setHost("127.0.0.1"))
      .keepAliveBetweenTests();

  HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(SERVER.getBaseUrl() + path))
        .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String parameters(List<String> patients, String group) {
    StringBuilder b = new StringBuilder("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"study\","
        + "\"valueCanonical\":\"" + InferenceFixtures.STUDY_URL + "\"}");
    patients.forEach(p -> b.append(",{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/").append(p)
        .append("\"}}"));
    if (group != null) {
      b.append(",{\"name\":\"group\",\"valueReference\":{\"reference\":\"Group/").append(group).append("\"}}");
    }
    return b.append("]}").toString();
  }

  static double probability(RiskAssessment ra) {
    return ra.getPredictionFirstRep().getProbabilityDecimalType().getValue().doubleValue();
  }

  @Test
  void aBatchAnswersEachPatientAsTheSingleCallDoesAndAnUnknownPatientAsItsOperationOutcome() throws Exception {
    List<String> ward = CLEVELAND.patients().stream().limit(12).map(p -> p.getIdElement().getIdPart()).toList();
    List<String> asked = new java.util.ArrayList<>(ward);
    asked.add(3, "no-such-patient");

    HttpResponse<String> r = post("/Patient/$infer-batch", parameters(asked, null));

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, r.body());
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.BATCHRESPONSE);
    assertThat(bundle.getEntry()).hasSize(asked.size());
    Bundle.BundleEntryComponent refused = bundle.getEntry().get(3);
    assertThat(refused.getResponse().getStatus()).isEqualTo("404");
    assertThat(refused.getResource()).isNull();
    assertThat(((OperationOutcome) refused.getResponse().getOutcome()).getIssueFirstRep().getDiagnostics())
        .contains("Patient/no-such-patient");
    for (int i = 0; i < asked.size(); i++) {
      if (i == 3) {
        continue;
      }
      Bundle.BundleEntryComponent e = bundle.getEntry().get(i);
      assertThat(e.getResponse().getStatus()).isEqualTo("200 OK");
      RiskAssessment batch = (RiskAssessment) e.getResource();
      assertThat(batch.getSubject().getReference()).isEqualTo("Patient/" + asked.get(i));
      HttpResponse<String> single = post("/Patient/" + asked.get(i) + "/$infer", parameters(List.of(), null));
      assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
      assertThat(probability(batch)).isCloseTo(probability(CTX.newJsonParser().parseResource(RiskAssessment.class,
          single.body())), within(1e-9));
    }
  }

  @Test
  void aGroupIsAnsweredForItsMembersAndAnUnknownGroupOrNoPatientIsARefusalOfTheCall() throws Exception {
    List<String> members = CLEVELAND.patients().stream().skip(20).limit(3).map(p -> p.getIdElement().getIdPart())
        .toList();
    SITE.groups.put("ward-7", members);

    Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class,
        post("/Patient/$infer-batch", parameters(List.of(), "ward-7")).body());
    assertThat(bundle.getEntry()).extracting(e -> ((RiskAssessment) e.getResource()).getSubject().getReference())
        .containsExactlyElementsOf(members.stream().map(m -> "Patient/" + m).toList());

    HttpResponse<String> unknown = post("/Patient/$infer-batch", parameters(List.of(), "ward-0"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("OperationOutcome", "Group/ward-0");
    HttpResponse<String> none = post("/Patient/$infer-batch", parameters(List.of(), null));
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("OperationOutcome", "'patient'");
  }
}
