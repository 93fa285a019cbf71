package org.fedfhir.aggregator.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.fedfhir.access.ClientTls;
import org.fedfhir.access.Role;
import org.fedfhir.access.TlsSettings;
import org.fedfhir.aggregator.cleanroom.CleanRoomResults;
import org.fedfhir.aggregator.pki.CertificateAuthority;
import org.fedfhir.aggregator.pki.Credentials;
import org.fedfhir.aggregator.pki.PemFiles;
import org.fedfhir.aggregator.pki.TlsFiles;
import org.fedfhir.aggregator.store.InMemoryStudyStore;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.securecompute.attestation.AttestationPolicy;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.study.CleanRoomDeclarations;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.tee.cleanroom.ResultParameters;
import org.fedfhir.tee.cleanroom.RowTable;
import org.fedfhir.tee.client.CleanRoomSealer;
import org.fedfhir.tee.client.MutualTlsClients;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.fhir.SimulatedTeeService;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The researcher's door to the clean room, over real HTTPS with certificates of a network CA and a
 * real TEE model service: the aggregator relays the receipt and the sealed result of a study only to
 * the researcher who published it, and only that researcher's key opens the result.
 */
class CleanRoomRelayTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path dir;
  private SimulatedTeeService tee;
  private StudyRegistryServer registry;

  @AfterEach
  void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
    if (tee != null) {
      tee.close();
    }
  }

  private void write(String name, Credentials c) {
    PemFiles.writeCertificate(dir.resolve(name + "-cert.pem"), c.certificate());
    PemFiles.writePrivateKey(dir.resolve(name + "-key.pem"), c.privateKey());
  }

  private SSLContext mutual(String name) {
    return ClientTls.mutual(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"), dir.resolve("ca.pem"));
  }

  private HttpResponse<String> post(String as, String path, String body) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(as == null ? ClientTls.trusting(dir.resolve("ca.pem"))
        : mutual(as)).build();
    return http.send(HttpRequest.newBuilder(URI.create(registry.baseUrl() + path)).header("Accept", "application/fhir+json")
        .header("Content-Type", "application/fhir+json").method(path.contains("$") ? "POST" : "PUT",
            HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A site's rows for the median study: chol (mg/dL), then label; 12 made-up patients. */
  private static RowTable rows(int seed) {
    double[] values = new double[12 * 2];
    for (int i = 0; i < 12; i++) {
      values[2 * i] = 180 + 7 * ((i * 5 + seed) % 12);
      values[2 * i + 1] = i % 2;
    }
    return new RowTable(List.of("chol", "label"), values);
  }

  @Test
  void onlyTheStudysOwnerReceivesItsSealedResultAndOnlyTheirKeyOpensIt() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("clean-room relay test network");
    PemFiles.writeCertificate(dir.resolve("ca.pem"), ca.certificate());
    write("aggregator", ca.issue("aggregator"));
    write("tee", ca.issue("tee", Role.TEE, List.of()));
    for (String site : List.of("cleveland", "hungarian", "va")) {
      write(site, ca.issue(site));
    }
    write("carol", ca.issue("carol", Role.RESEARCHER, List.of()));
    write("dave", ca.issue("dave", Role.RESEARCHER, List.of()));
    tee = SimulatedTeeService.start("127.0.0.1", 0, new TlsSettings(dir.resolve("tee-cert.pem"),
        dir.resolve("tee-key.pem"), dir.resolve("ca.pem"), TlsSettings.ClientAuth.NEED));
    RegistryAccess access = new RegistryAccess(new TlsSettings(dir.resolve("aggregator-cert.pem"),
        dir.resolve("aggregator-key.pem"), dir.resolve("ca.pem"), TlsSettings.ClientAuth.WANT), false, List.of());
    registry = StudyRegistryServer.start(CompletableFuture.completedFuture(FedFhirIg.load()), new InMemoryStudyStore(),
        null, CleanRoomResults.connect(tee.server().baseUrl(), new TlsFiles(dir.resolve("aggregator-cert.pem"),
            dir.resolve("aggregator-key.pem"), dir.resolve("ca.pem"))), access, "127.0.0.1", 0);

    SealingKeyPair carolsKey = SealingKeyPair.generate(RANDOM);
    PlanDefinition study;
    try (InputStream in = FedFhirIg.class.getClassLoader()
        .getResourceAsStream("org/fedfhir/ig/generated/resources/PlanDefinition-clean-room-median.json")) {
      study = CleanRoomDeclarations.withResultKey(FHIR.newJsonParser().parseResource(PlanDefinition.class, in),
          carolsKey.publicKey());
    }
    study.setId("clean-room-median");
    HttpResponse<String> published = post("carol", "/PlanDefinition/clean-room-median",
        FHIR.newJsonParser().encodeResourceToString(study));
    assertThat(published.statusCode()).as(published.body()).isIn(200, 201);
    String path = "/PlanDefinition/clean-room-median/$clean-room-result";
    String empty = "{\"resourceType\":\"Parameters\"}";

    HttpResponse<String> early = post("carol", path, empty);
    assertThat(early.statusCode()).as(early.body()).isEqualTo(412);
    assertThat(early.body()).contains("result-not-ready");

    String digest = StudyDigest.sha256Hex(FHIR, study);
    String program = ((StudyDefinition.CleanRoom) new StudyParser().parse(study)).program().sha256();
    AttestationVerifier trusting = new AttestationVerifier(AttestationPolicy.builder()
        .allowSimulatedEvidence(tee.platformPublicKey()).trustMeasurement(tee.measurement()).build());
    int seed = 0;
    for (String site : List.of("cleveland", "hungarian", "va")) {
      FhirContext ctx = MutualTlsClients.presenting(FhirContext.forR4(), dir.resolve(site + "-cert.pem"),
          dir.resolve(site + "-key.pem"), dir.resolve("ca.pem"));
      ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
      TeeClient client = new TeeClient(ctx.newRestfulGenericClient(tee.server().baseUrl()), trusting, Clock.systemUTC(),
          RANDOM);
      Parameters in = new Parameters();
      in.addParameter().setName("study").setResource(study);
      in.addParameter().setName("sealedRows").setValue(new Base64BinaryType(
          CleanRoomSealer.seal(client.attestation(), digest, program, site, rows(seed++))));
      ctx.newRestfulGenericClient(tee.server().baseUrl()).operation().onServer().named("$clean-room-submit")
          .withParameters(in).execute();
    }

    assertThat(post(null, path, empty).statusCode()).as("anonymous").isEqualTo(401);
    assertThat(post("cleveland", path, empty).statusCode()).as("a site, at the aggregator").isEqualTo(403);
    HttpResponse<String> dave = post("dave", path, empty);
    assertThat(dave.statusCode()).as("another researcher").isEqualTo(403);
    assertThat(dave.body()).doesNotContain("sealedResult");

    HttpResponse<String> carol = post("carol", path, empty);
    assertThat(carol.statusCode()).as(carol.body()).isEqualTo(200);
    Parameters receipt = FHIR.newJsonParser().parseResource(Parameters.class, carol.body());
    assertThat(receipt.getParameterValue("studyDigest").primitiveValue()).isEqualTo(digest);
    assertThat(receipt.getParameterValues("site")).extracting(v -> v.primitiveValue())
        .containsExactly("cleveland", "hungarian", "va");
    SealingContext bound = SealingContext.forCleanRoomResult(digest, program,
        receipt.getParameterValue("outputSha256").primitiveValue());
    byte[] sealed = ((Base64BinaryType) receipt.getParameterValue("sealedResult")).getValue();
    Parameters opened = FHIR.newJsonParser().parseResource(Parameters.class,
        new String(Hpke.open(carolsKey, bound, sealed), StandardCharsets.UTF_8));
    // 36 rows, chol 180..257 in steps of 7, each value 3 times: the pooled median is the 6th and 7th of 12 levels
    assertThat(ResultParameters.records(opened)).filteredOn(r -> r.name().equals("median") && r.group() == -1)
        .singleElement().satisfies(r -> assertThat(r.value()).isEqualTo((180 + 7 * 5 + 180 + 7 * 6) / 2.0));
    assertThat(((org.hl7.fhir.r4.model.IntegerType) receipt.getParameterValue("released")).getValue())
        .as("groups of 18 rows pass minCount 10").isEqualTo(12);
  }
}
