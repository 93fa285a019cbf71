package org.fedfhir.fhir.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.io.InputStream;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import org.fedfhir.fhir.audit.TrainingAudit;
import org.fedfhir.fhir.plugin.IgStudyValidator;
import org.fedfhir.fhir.plugin.TrainOperationProvider;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletConfig;

/** The hospital server held to the FedFHIR guide: its $train as HAPI derives it, the studies it accepts, what it writes. */
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
    AuditEvent audit = TrainingAudit.of("cleveland", new org.fedfhir.fhir.audit.Requester(java.util.Optional.of(new org.fedfhir.access.Caller(org.fedfhir.access.Caller.Kind.USER, "Practitioner/steward-1", "fedfhir-console", java.util.Set.of(org.fedfhir.access.Role.DATA_STEWARD), java.util.Set.of("user/*.rs"), java.util.Optional.empty())), java.util.Optional.of("127.0.0.1")), "heart-disease", "7", "local", new Date(), null);

    OperationOutcome outcome = ig.validate(audit, FedFhirIg.FEDFHIR_AUDIT_EVENT);

    assertThat(FedFhirIg.hasErrors(outcome)).as(CTX.newJsonParser().encodeResourceToString(outcome)).isFalse();
  }

  @Test
  void theIgValidatorAcceptsTheReferenceStudiesAndRefusesOneWithoutALabel() throws Exception {
    IgStudyValidator validator = new IgStudyValidator(CompletableFuture.completedFuture(ig));
    for (String name : new String[] {"heart-disease-lr.json", "heart-disease-svm.json"}) {
      try (InputStream in = getClass().getResourceAsStream("/studies/" + name)) {
        PlanDefinition study = CTX.newJsonParser().parseResource(PlanDefinition.class, in);
        assertThat(validator.validate(study)).as(name).isEmpty();
        study.getActionFirstRep().getOutput().clear();
        assertThat(validator.validate(study)).as(name + " without its label").isNotEmpty()
            .allSatisfy(issue -> assertThat(issue.reason()).startsWith("FederatedStudy: "));
      }
    }
  }
}
