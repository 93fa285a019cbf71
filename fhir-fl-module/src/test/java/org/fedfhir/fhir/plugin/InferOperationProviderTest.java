package org.fedfhir.fhir.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.test.utilities.server.RestfulServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.ServerConnector;
import org.fedfhir.fhir.inference.InferenceService;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The thin {@code $infer} provider on a plain HAPI server (no JPA): POST only, the guide's parameters,
 * refusals as OperationOutcomes with their status. The service behind it has no TEE configured (501).
 */
class InferOperationProviderTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final java.util.concurrent.atomic.AtomicInteger AUDITS = new java.util.concurrent.atomic.AtomicInteger();

  @RegisterExtension
  static final RestfulServerExtension SERVER = new RestfulServerExtension(CTX)
      .registerProvider(new InferOperationProvider(noTee()))
      .withDefaultResponseEncoding(EncodingEnum.JSON)
      .withServerBeforeStarted(jetty -> ((ServerConnector) jetty.getConnectors()[0]).setHost("127.0.0.1"))
      .keepAliveBetweenTests();
  String base;

  @BeforeEach
  void base() {
    base = SERVER.getBaseUrl();
  }

  static InferenceService noTee() {
    return new InferenceService(new org.fedfhir.fhir.inference.StudyCatalog() {
      @Override
      public java.util.List<org.hl7.fhir.r4.model.PlanDefinition> find(String url, String version) {
        org.hl7.fhir.r4.model.PlanDefinition pd = org.fedfhir.fhir.Fixtures.study("heart-disease-lr");
        pd.setId("heart-disease-lr");
        return url.equals(pd.getUrl()) ? java.util.List.of(pd) : java.util.List.of();
      }

      @Override
      public org.fedfhir.fhir.cohort.ApprovalGate.ApprovedDigests approvedDigests(String planDefinitionId) {
        return org.fedfhir.fhir.cohort.ApprovalGate.ApprovedDigests.of(org.fedfhir.fhir.federation.StudyDigest.sha256Hex(
            ca.uhn.fhir.context.FhirContext.forR4Cached(), org.fedfhir.fhir.Fixtures.study("heart-disease-lr")));
      }
    }, new org.fedfhir.study.StudyReader(), new org.fedfhir.fhir.inference.SiteRecords() {
      @Override
      public org.fedfhir.fhir.cohort.ClinicalDataSource forPatient(String patientId) {
        return new org.fedfhir.fhir.cohort.InMemoryClinicalData();
      }

      @Override
      public String create(org.hl7.fhir.r4.model.Resource resource) {
        throw new AssertionError("nothing is stored without a TEE");
      }

      @Override
      public void audit(org.hl7.fhir.r4.model.AuditEvent event) {
        AUDITS.incrementAndGet();
      }
    }, new org.fedfhir.fhir.cohort.FeatureExtractor(new org.fedfhir.fhir.cohort.UcumConverter()),
        org.fedfhir.fhir.inference.ModelDirectory.of(java.util.Map.of()), null, "test", java.time.Clock.systemUTC());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getIsRefusedAndPostWithoutATeeIs501WithAnOperationOutcome() throws Exception {
    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base
        + "/Patient/1/$infer?study=http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);

    HttpResponse<String> post = post("/Patient/1/$infer", "{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"study\",\"valueCanonical\":\"http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr\"}]}");
    assertThat(post.statusCode()).isEqualTo(501);
    OperationOutcome oo = CTX.newJsonParser().parseResource(OperationOutcome.class, post.body());
    assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("TEE model service", "--tee");

    HttpResponse<String> unknown = post("/Patient/1/$infer", "{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"study\",\"valueCanonical\":\"http://example.org/none\"}]}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(AUDITS.get()).isGreaterThanOrEqualTo(2); // every POST is audited; GET never reached the service
  }

  @Test
  void theServersOperationDefinitionHasTheGuidesParameters() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/OperationDefinition/Patient-i-infer"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    OperationDefinition od = CTX.newJsonParser().parseResource(OperationDefinition.class, r.body());
    assertThat(od.getAffectsState()).isTrue();
    assertThat(od.getParameter()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("study");
      assertThat(p.getType()).isEqualTo("canonical");
      assertThat(p.getMin()).isEqualTo(1);
      assertThat(p.getMax()).isEqualTo("1");
    });
    assertThat(od.getParameter()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("persist");
      assertThat(p.getType()).isEqualTo("boolean");
      assertThat(p.getMin()).isZero();
    });
    assertThat(od.getParameter()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("return");
      assertThat(p.getType()).isEqualTo("RiskAssessment");
    });
  }

  /** What a plain server with the provider derives from its annotations, and a request to it. */
  record Derived(ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider capabilities,
      ca.uhn.fhir.rest.server.servlet.ServletRequestDetails request) {
    static Derived fromAnnotations() throws Exception {
      RestfulServer server = new RestfulServer(CTX);
      server.registerProvider(new InferOperationProvider(null));
      server.setServerAddressStrategy(new ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy("http://localhost/fhir"));
      server.init(new org.springframework.mock.web.MockServletConfig());
      ca.uhn.fhir.rest.server.servlet.ServletRequestDetails request = new ca.uhn.fhir.rest.server.servlet.ServletRequestDetails();
      request.setServer(server);
      return new Derived(new ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider(server), request);
    }

    OperationDefinition operation(String id) {
      return (OperationDefinition) capabilities.readOperationDefinition(
          new org.hl7.fhir.r4.model.IdType("OperationDefinition/" + id), request);
    }
  }

  @Test
  void inferDerivedFromAnnotationsMatchesTheGuide() throws Exception {
    OperationDefinition derived = Derived.fromAnnotations().operation("Patient-i-infer");

    org.fedfhir.ig.OperationDefinitionComparison.assertMatchesGuide(org.fedfhir.ig.FedFhirIg.load(CTX), derived);
  }

  @Test
  void inferBatchDerivedFromAnnotationsMatchesTheGuideAndTheCapabilityStatementPointsAtIt() throws Exception {
    Derived server = Derived.fromAnnotations();

    OperationDefinition derived = server.operation("Patient-t-infer-batch");

    org.fedfhir.ig.OperationDefinitionComparison.assertMatchesGuide(org.fedfhir.ig.FedFhirIg.load(CTX), derived);
    org.hl7.fhir.r4.model.CapabilityStatement served =
        (org.hl7.fhir.r4.model.CapabilityStatement) server.capabilities().getServerConformance(null, server.request());
    assertThat(served.getRestFirstRep().getResource()).filteredOn(r -> r.getType().equals("Patient"))
        .flatExtracting(r -> r.getOperation()).extracting(o -> o.getName() + " " + o.getDefinition())
        .contains("infer-batch " + InferOperationProvider.BATCH_CANONICAL);
  }
}
