package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletConfig;

/** The aggregator's {@code $secure-stats}, as HAPI derives it from the annotations, is the guide's. */
class SecureStatsOperationMatchesGuideTest {

  @Test
  void secureStatsMatchesTheGuide() throws Exception {
    FhirContext ctx = FhirContext.forR4Cached();
    RestfulServer server = new RestfulServer(ctx);
    server.registerProvider(new SecureStatsProvider(null));
    server.setServerAddressStrategy(new HardcodedServerAddressStrategy("http://localhost/fhir"));
    server.init(new MockServletConfig());
    ServletRequestDetails request = new ServletRequestDetails();
    request.setServer(server);

    OperationDefinition derived = (OperationDefinition) new ServerCapabilityStatementProvider(server)
        .readOperationDefinition(new IdType("OperationDefinition/PlanDefinition-i-secure-stats"), request);

    OperationDefinitionComparison.assertMatchesGuide(FedFhirIg.load(ctx), derived);
  }
}
