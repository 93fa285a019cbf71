// Drop-in server-side conformance test for fhir-fl-module (NOT compiled here: ig/conformance/ is no source root).
//
// To enable it, the fhir-fl-module owner:
//   1. adds to fhir-fl-module/pom.xml
//        <dependency>
//          <groupId>org.fedfhir</groupId><artifactId>fedfhir-ig</artifactId>
//          <version>${project.version}</version><scope>test</scope>   <!-- compile scope to validate at runtime -->
//        </dependency>
//   2. copies this file to fhir-fl-module/src/test/java/org/fedfhir/fhir/ig/.
// Run in a scratch copy of the tree on 2026-11-23 it fails, for two real differences:
//   - $train: "parameter return (out): presence expected present but was missing" -> declare
//     returnParameters = @OperationParam(name = "return", type = Task.class, min = 1, max = 1) on @Operation;
//   - TrainingAudit: "Slice 'AuditEvent.subtype:operation': a matching slice is required" -> add
//     subtype http://fedfhir.org/fhir/CodeSystem/operation#train (see docs/study-format.md, "Results the servers write").
package org.fedfhir.fhir.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.fedfhir.fhir.audit.TrainingAudit;
import org.fedfhir.fhir.plugin.TrainOperationProvider;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletConfig;

import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;

/** The hospital server held to the FedFHIR guide: its $train as HAPI derives it, and the resources it writes. */
class HospitalServerIgConformanceTest {
  static final FhirContext CTX = FhirContext.forR4Cached();
  static FedFhirIg ig;

  @BeforeAll
  static void loadGuide() {
    ig = FedFhirIg.load(CTX);
  }

  @Test
  void trainDerivedFromAnnotationsMatchesTheGuide() throws Exception {
    RestfulServer server = new RestfulServer(CTX);
    server.registerProvider(new TrainOperationProvider(CTX, null));
    server.setServerAddressStrategy(new HardcodedServerAddressStrategy("http://localhost/fhir"));
    server.init(new MockServletConfig());
    ServletRequestDetails request = new ServletRequestDetails();
    request.setServer(server);

    OperationDefinition derived = (OperationDefinition) new ServerCapabilityStatementProvider(server)
        .readOperationDefinition(new IdType("OperationDefinition/PlanDefinition-i-train"), request);

    OperationDefinitionComparison.assertMatchesGuide(ig, derived);
  }

  @Test
  void trainingAuditEventValidatesAgainstFedFhirAuditEvent() {
    AuditEvent audit = TrainingAudit.of("cleveland", "client", "heart-disease", "7", "local", new Date(), null);

    OperationOutcome outcome = ig.validate(audit, FedFhirIg.FEDFHIR_AUDIT_EVENT);

    assertThat(FedFhirIg.hasErrors(outcome)).as(CTX.newJsonParser().encodeResourceToString(outcome)).isFalse();
  }
}
