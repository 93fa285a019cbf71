package org.fedfhir.aggregator.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.StudyDigest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Publishing studies at the aggregator's FHIR endpoint, held to the implementation guide. */
class StudyRegistryTest {

  private static FedFhirIg ig;
  private static StudyRegistryServer server;
  private static final InMemoryStudyStore store = new InMemoryStudyStore();
  private static IGenericClient client;
  /** The audience is fixed before the port is known: the server's tokens name the endpoint as a proxy would. */
  private static final TestTokens TOKENS = new TestTokens("https://aggregator.example/fhir");

  @BeforeAll
  static void start() throws Exception {
    ig = FedFhirIg.load();
    // plain HTTP on loopback, researchers by token: the transport is tried in RegistryAccessTest
    server = StudyRegistryServer.start(CompletableFuture.completedFuture(ig), store,
        new RegistryAccess(null, true, java.util.List.of(TOKENS.verifier())), "127.0.0.1", 0);
    client = ig.fhirContext().newRestfulGenericClient(server.baseUrl());
    client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(
        TOKENS.user("alice", java.util.List.of("researcher"))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static PlanDefinition heartDiseaseStudy() {
    return ig.examples().stream().filter(r -> r instanceof PlanDefinition
            && r.getIdElement().getIdPart().equals("heart-disease")).map(r -> ((PlanDefinition) r).copy())
        .findFirst().orElseThrow();
  }

  @Test
  void aValidStudyIsRegisteredWithItsDigestAndModelDimension() {
    PlanDefinition study = heartDiseaseStudy();
    study.setId("hd-registry");
    MethodOutcome outcome = client.update().resource(study).execute();

    assertThat(outcome.getResponseStatusCode()).isEqualTo(201);
    StudyPlan plan = store.study(new StudyRef(study.getUrl(), study.getVersion())).orElseThrow();
    assertThat(plan.definitionDigest()).isEqualTo(StudyDigest.sha256Hex(ig.fhirContext(), study));
    int features = study.getActionFirstRep().getInput().size();
    assertThat(plan.modelDimension()).isEqualTo(2 * (features + 1));
    assertThat(client.read().resource(PlanDefinition.class).withId("hd-registry").execute().getUrl())
        .isEqualTo(study.getUrl());

    // Publishing the same definition again changes nothing.
    assertThat(client.update().resource(study).execute().getResponseStatusCode()).isEqualTo(200);
  }

  @Test
  void anotherDefinitionUnderAPublishedUrlAndVersionIsRefused() {
    PlanDefinition study = heartDiseaseStudy();
    study.setUrl(study.getUrl() + "-conflict");
    study.setId("hd-conflict");
    client.update().resource(study).execute();

    PlanDefinition changed = study.copy();
    changed.setTitle(study.getTitle() + ", amended");
    assertThatThrownBy(() -> client.update().resource(changed).execute())
        .isInstanceOf(ResourceVersionConflictException.class)
        .hasMessageContaining("already published with another definition");
  }

  @Test
  void aStudyBreakingTheGuidesRulesIsRefusedWithTheValidatorsIssues() {
    PlanDefinition study = heartDiseaseStudy();
    study.setUrl(study.getUrl() + "-invalid");
    study.setId("hd-invalid");
    study.getActionFirstRep().getOutput().clear();

    assertThatThrownBy(() -> client.update().resource(study).execute())
        .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
          OperationOutcome oo = (OperationOutcome) e.getOperationOutcome();
          assertThat(oo.getIssue()).anySatisfy(i -> assertThat(i.getSeverity())
              .isEqualTo(OperationOutcome.IssueSeverity.ERROR));
          assertThat(ig.fhirContext().newJsonParser().encodeResourceToString(oo)).contains("output");
        });
    assertThat(store.study(new StudyRef(study.getUrl(), study.getVersion()))).isEmpty();
  }

  /** Publishing {@code study} is answered 422 with an OperationOutcome that says {@code why}, and registers nothing. */
  private static void assertRefusedWhenPublished(PlanDefinition study, String why) {
    assertThatThrownBy(() -> client.update().resource(study).execute())
        .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(
            ig.fhirContext().newJsonParser().encodeResourceToString(e.getOperationOutcome())).contains(why));
    assertThat(store.study(new StudyRef(study.getUrl(), study.getVersion()))).isEmpty();
  }

  @Test
  void aStudyBeyondTheStudyLimitsIsRefusedWhenPublished() {
    PlanDefinition study = heartDiseaseStudy();
    study.setUrl(study.getUrl() + "-endless");
    study.setId("hd-endless");
    org.hl7.fhir.r4.model.Extension rounds = study.getExtensionsByUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER)
        .stream().filter(p -> "rounds".equals(p.getExtensionByUrl("name").getValue().primitiveValue()))
        .findFirst().orElseThrow();
    rounds.getExtensionByUrl("value")
        .setValue(new org.hl7.fhir.r4.model.IntegerType(org.fedfhir.federation.StudyLimits.MAX_ROUNDS + 1));

    assertRefusedWhenPublished(study, "parameter 'rounds' is 1001; at most 1000");
  }

  @Test
  void aStudyWhoseThresholdCanNeverBeMetIsRefusedWhenPublished() {
    PlanDefinition study = heartDiseaseStudy();
    study.setUrl(study.getUrl() + "-unmeetable");
    study.setId("hd-unmeetable");
    study.getExtension().removeIf(e -> e.getUrl().equals(org.fedfhir.study.StudyUrls.EXT_PARAMETER)
        && java.util.Set.of("min-sites", "threshold").contains(e.getExtensionByUrl("name").getValue().primitiveValue()));
    org.hl7.fhir.r4.model.Extension threshold = study.addExtension().setUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER);
    threshold.addExtension("name", new org.hl7.fhir.r4.model.CodeType("threshold"));
    threshold.addExtension("value", new org.hl7.fhir.r4.model.IntegerType(4)); // min-sites: the default 3

    // The guide's profile says it first (fs-threshold); the sites' parser says it too, for a site that runs no profile.
    assertRefusedWhenPublished(study, "fs-threshold");
    assertThat(new org.fedfhir.study.StudyParser().validate(study)).anySatisfy(i ->
        assertThat(i.reason()).contains("parameter 'threshold' is 4 but 'min-sites' is 3 (the default)"));
  }

  @Test
  void aRequestBodyOverTheLimitIsAnswered413BeforeItIsRead() throws Exception {
    byte[] body = new byte[(int) org.fedfhir.access.HttpsConnectors.MAX_REQUEST_BYTES + 1];
    java.util.Arrays.fill(body, (byte) ' ');
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/PlanDefinition/hd-huge"))
            // the client waits for the server's word before sending the body: the 413 comes back before
            // it is read, where a client writing on would find the connection closed under it
            .expectContinue(true)
            .header("Content-Type", "application/fhir+json")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
  }
}
