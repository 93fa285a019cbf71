package org.fedfhir.fhir.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.plugin.SecureStatsOperationProvider;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.fedfhir.study.StatisticsDeclarations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletConfig;

/** Statistics studies at the hospital server held to the guide: the example study, the site's $secure-stats. */
class StatisticsIgConformanceTest {

  static final FhirContext CTX = FhirContext.forR4Cached();
  static FedFhirIg ig;

  @BeforeAll
  static void loadGuide() {
    ig = FedFhirIg.load(CTX);
  }

  @Test
  void theExampleStatisticsStudyIsAFederatedStudyAndAFederatedStatisticsStudy() {
    PlanDefinition study = Fixtures.study("heart-disease-stats");

    OperationOutcome asStudy = ig.validateStudy(study); // what the server checks on create, update and $secure-stats
    OperationOutcome asStatistics = ig.validate(study, FedFhirIg.FEDERATED_STATISTICS_STUDY);

    assertThat(FedFhirIg.hasErrors(asStudy)).as(CTX.newJsonParser().encodeResourceToString(asStudy)).isFalse();
    assertThat(FedFhirIg.hasErrors(asStatistics)).as(CTX.newJsonParser().encodeResourceToString(asStatistics))
        .isFalse();
    assertThat(StatisticsDeclarations.read(study).statistics()).hasSize(4);
  }

  @Test
  void aKaplanMeierStatisticWithItsIndexAndEventIsValidInTheGuideAndReadBySites() {
    PlanDefinition study = Fixtures.study("heart-disease-stats");
    org.hl7.fhir.r4.model.Extension km = study.getActionFirstRep().addExtension()
        .setUrl(StatisticsDeclarations.STATISTIC);
    km.addExtension("kind", new org.hl7.fhir.r4.model.CodeType("kaplan-meier"));
    km.addExtension("name", new org.hl7.fhir.r4.model.IdType("hf-after-mi"));
    km.addExtension("groupBy", new org.hl7.fhir.r4.model.IdType("sex"));
    km.addExtension("group", new org.hl7.fhir.r4.model.CodeType("0"));
    km.addExtension("group", new org.hl7.fhir.r4.model.CodeType("1"));
    for (int edge : new int[] {0, 90, 180, 365}) {
      km.addExtension("bucketEdge", new org.hl7.fhir.r4.model.DecimalType(edge));
    }
    km.addExtension("timeUnit", new org.hl7.fhir.r4.model.CodeType("d"));
    km.addExtension("indexCondition", new org.hl7.fhir.r4.model.Coding("http://snomed.info/sct", "22298006", null));
    km.addExtension("eventObservation", new org.hl7.fhir.r4.model.Coding("http://loinc.org", "8480-6", null));
    km.addExtension("eventAbove", new org.hl7.fhir.r4.model.DecimalType(160));
    km.addExtension("eventUnit", new org.hl7.fhir.r4.model.CodeType("mm[Hg]"));
    km.addExtension("followUpObservation", new org.hl7.fhir.r4.model.Coding("http://loinc.org", "8867-4", null));

    OperationOutcome asStudy = ig.validateStudy(study);
    OperationOutcome asStatistics = ig.validate(study, FedFhirIg.FEDERATED_STATISTICS_STUDY);

    assertThat(FedFhirIg.hasErrors(asStudy)).as(CTX.newJsonParser().encodeResourceToString(asStudy)).isFalse();
    assertThat(FedFhirIg.hasErrors(asStatistics)).as(CTX.newJsonParser().encodeResourceToString(asStatistics))
        .isFalse();
    assertThat(StatisticsDeclarations.read(study).statistics()).hasSize(5);
    org.fedfhir.study.TimeToEventDefinition def =
        org.fedfhir.fhir.statistics.TimeToEvent.read(study).get("hf-after-mi");
    assertThat(def.indexConditions()).containsExactly(new org.fedfhir.study.Code("http://snomed.info/sct",
        "22298006"));
    assertThat(def.eventObservation()).isEqualTo(new org.fedfhir.study.Code("http://loinc.org", "8480-6"));
    assertThat(def.above()).isEqualTo(160.0);
    assertThat(def.eventUnit()).isEqualTo("mm[Hg]");
    assertThat(def.followUpObservations()).hasSize(1);
  }

  @Test
  void aStatisticsStudyWhoseWelchTestHasThreeGroupsIsRefusedByTheGuideAsByTheCode() {
    PlanDefinition study = Fixtures.study("heart-disease-stats");
    study.getActionFirstRep().getExtensionsByUrl(StatisticsDeclarations.STATISTIC).get(2)
        .addExtension("group", new org.hl7.fhir.r4.model.CodeType("2"));

    OperationOutcome outcome = ig.validateStudy(study);

    assertThat(outcome.getIssue()).anySatisfy(i -> assertThat(i.getDiagnostics()).contains("st-welch"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StatisticsDeclarations.read(study))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly 2 groups");
  }

  @Test
  void siteSecureStatsDerivedFromAnnotationsMatchesTheGuidesSiteOperation() throws Exception {
    RestfulServer server = new RestfulServer(CTX);
    server.registerProvider(new SecureStatsOperationProvider(CTX, null));
    server.setServerAddressStrategy(new HardcodedServerAddressStrategy("http://localhost/fhir"));
    server.init(new MockServletConfig());
    ServletRequestDetails request = new ServletRequestDetails();
    request.setServer(server);

    OperationDefinition derived = (OperationDefinition) new ServerCapabilityStatementProvider(server)
        .readOperationDefinition(new IdType("OperationDefinition/PlanDefinition-i-secure-stats"), request);

    OperationDefinitionComparison.assertMatches(
        ig.operationDefinitionByUrl(FedFhirIg.SITE_SECURE_STATS).orElseThrow(), derived);
  }
}
