package org.fedfhir.aggregator.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Optional;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletConfig;

/** The aggregator's {@code $clean-room-result}, as HAPI derives it from the annotations, is the guide's. */
class CleanRoomResultOperationMatchesGuideTest {

  @Test
  void cleanRoomResultMatchesTheGuidesAggregatorDefinitionNotTheTees() throws Exception {
    FhirContext ctx = FhirContext.forR4Cached();
    RestfulServer server = new RestfulServer(ctx);
    server.registerProvider(new CleanRoomResultProvider(null, id -> Optional.empty()));
    server.setServerAddressStrategy(new HardcodedServerAddressStrategy("http://localhost/fhir"));
    server.init(new MockServletConfig());
    ServletRequestDetails request = new ServletRequestDetails();
    request.setServer(server);

    OperationDefinition derived = (OperationDefinition) new ServerCapabilityStatementProvider(server)
        .readOperationDefinition(new IdType("OperationDefinition/PlanDefinition-i-clean-room-result"), request);

    FedFhirIg ig = FedFhirIg.load(ctx);
    OperationDefinition guide = ig.operationDefinitionByUrl(FedFhirIg.operationUrl("clean-room-result-aggregator"))
        .orElseThrow();
    OperationDefinitionComparison.assertMatches(guide, derived);
    assertThat(OperationDefinitionComparison.compare(ig.operationDefinition("clean-room-result").orElseThrow(), derived))
        .as("the TEE's $clean-room-result is another contract").isNotEmpty();
  }
}
