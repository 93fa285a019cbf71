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
import org.fedfhir.ig.StatisticsDeclarations;
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
    assertThat(StatisticsDeclarations.read(study).statistics()).hasSize(3);
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
