package org.fedfhir.aggregator.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.aggregator.round.Coordinators;
import org.fedfhir.aggregator.round.SecAggSecureSum;
import org.fedfhir.aggregator.statistics.SecureStatsService;
import org.fedfhir.aggregator.statistics.StatisticsStudies;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.testing.AggregatorDatabase;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.testing.TestDatabase;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study's owner survives a restart of the aggregator: kept with the study in the database, it still
 * decides who may replace a training study (whose PlanDefinition is not kept) and who receives a
 * statistics study's releases (whose definition is published again at start-up).
 */
@Tag("slow")
class RegistryOwnershipRestartTest {

  static final TestTokens TOKENS = new TestTokens("https://aggregator.example/fhir");
  static FedFhirIg ig;

  @TempDir
  Path dir;

  @BeforeAll
  static void loadGuide() {
    ig = FedFhirIg.load();
  }

  /** The registry on a database, as the aggregator starts it. */
  private static final class Aggregator implements AutoCloseable {
    final AggregatorDatabase database;
    final StudyRegistryServer server;

    Aggregator(TestDatabase.Location at) throws Exception {
      database = AggregatorDatabase.open(at);
      Coordinators sessions = Coordinators.startUp(database.studies(), new SecAggSecureSum(), (delay, task) -> () -> { },
          Clock.systemUTC(), Duration.ofSeconds(5), FixedPointEncoding.getDefaultInstance()).coordinators();
      StatisticsStudies statistics = new StatisticsStudies(sessions, database.studies(), database.releases(),
          Clock.systemUTC(), "test");
      statistics.recover();
      // plain HTTP on loopback, asked for: the transport is tried in RegistryAccessTest
      server = StudyRegistryServer.start(CompletableFuture.completedFuture(ig), database.studies(),
          new SecureStatsService(statistics, Duration.ofMillis(100), Duration.ofSeconds(5)),
          new RegistryAccess(null, true, List.of(TOKENS.verifier())), "127.0.0.1", 0);
    }

    int send(String token, String method, String path, String body) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
          .header("Authorization", "Bearer " + token)
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        b.header("Content-Type", "application/fhir+json");
      }
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Override
    public void close() throws Exception {
      server.close();
      database.close();
    }
  }

  static String study(String resource, String id) throws Exception {
    try (InputStream in = FedFhirIg.class.getClassLoader()
        .getResourceAsStream("org/fedfhir/ig/generated/resources/" + resource)) {
      PlanDefinition pd = FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class, in);
      pd.setId(id);
      return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(pd);
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(TestDatabase.class)
  void theOwnerOfATrainingAndOfAStatisticsStudyIsTheSameAfterARestart(TestDatabase on) throws Exception {
    TestDatabase.Location database = on.fresh(dir, "aggregator");
    String alice = TOKENS.user("alice", List.of("researcher"));
    String bob = TOKENS.user("bob", List.of("researcher"));
    String training = study("PlanDefinition-heart-disease.json", "training");
    String statistics = study("PlanDefinition-statistics-heart-disease.json", "statistics");
    try (Aggregator before = new Aggregator(database)) {
      assertThat(before.send(alice, "PUT", "/PlanDefinition/training", training)).isEqualTo(201);
      assertThat(before.send(alice, "PUT", "/PlanDefinition/statistics", statistics)).isEqualTo(201);
    }

    try (Aggregator after = new Aggregator(database)) {
      PlanDefinition pd = FhirContext.forR4Cached().newJsonParser().parseResource(PlanDefinition.class, training);
      assertThat(after.database.studies().owner(new StudyRef(pd.getUrl(), pd.getVersion())))
          .as("kept in the database").hasValueSatisfying(o -> assertThat(o).startsWith("token:").endsWith("alice"));
      assertThat(after.send(bob, "GET", "/PlanDefinition/training", null))
          .as("a training study's PlanDefinition is not kept over a restart").isEqualTo(404);
      assertThat(after.send(bob, "PUT", "/PlanDefinition/training", training)).as("bob cannot take it").isEqualTo(403);
      assertThat(after.send(bob, "PUT", "/PlanDefinition/bobs", study("PlanDefinition-heart-disease.json", "bobs")))
          .as("nor under another id").isEqualTo(403);
      assertThat(after.send(alice, "PUT", "/PlanDefinition/training", training)).as("alice publishes it again")
          .isEqualTo(200);

      assertThat(after.send(bob, "GET", "/PlanDefinition/statistics", null)).as("published again at start-up")
          .isEqualTo(200);
      assertThat(after.send(bob, "POST", "/PlanDefinition/statistics/$secure-stats", null)).isEqualTo(403);
      assertThat(after.send(bob, "DELETE", "/PlanDefinition/statistics", null)).isEqualTo(403);
      assertThat(after.send(alice, "POST", "/PlanDefinition/statistics/$secure-stats", null))
          .as("the owner's run is authorised, then finds no site").isEqualTo(412);
    }
  }
}
