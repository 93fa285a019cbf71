package org.fedfhir.fhir.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Role;
import org.fedfhir.fhir.audit.CleanRoomAudit;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.plugin.CleanRoomOperationProvider;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.OperationDefinitionComparison;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockServletConfig;

/** The site's {@code $clean-room} held to the guide: the operation as HAPI derives it, the AuditEvents it writes. */
class CleanRoomIgConformanceTest {

  static final FhirContext CTX = FhirContext.forR4Cached();
  static final String SITE_CLEAN_ROOM = "http://fedfhir.org/fhir/OperationDefinition/clean-room-site";
  static final Requester STEWARD = new Requester(Optional.of(new Caller(Caller.Kind.USER, "Practitioner/steward-1",
      "fedfhir-console", Set.of(Role.DATA_STEWARD), Set.of("user/*.rs"), Optional.empty())), Optional.of("127.0.0.1"));
  static FedFhirIg ig;

  @BeforeAll
  static void loadGuide() {
    ig = FedFhirIg.load(CTX);
  }

  @Test
  void siteCleanRoomDerivedFromAnnotationsMatchesTheGuidesSiteOperation() throws Exception {
    RestfulServer server = new RestfulServer(CTX);
    server.registerProvider(new CleanRoomOperationProvider(null));
    server.setServerAddressStrategy(new HardcodedServerAddressStrategy("http://localhost/fhir"));
    server.init(new MockServletConfig());
    ServletRequestDetails request = new ServletRequestDetails();
    request.setServer(server);

    OperationDefinition derived = (OperationDefinition) new ServerCapabilityStatementProvider(server)
        .readOperationDefinition(new IdType("OperationDefinition/PlanDefinition-i-clean-room"), request);

    OperationDefinitionComparison.assertMatches(ig.operationDefinitionByUrl(SITE_CLEAN_ROOM).orElseThrow(), derived);
  }

  @Test
  void deliveryAndReceiptAuditEventsValidateAgainstFedFhirAuditEvent() {
    String digest = "ab".repeat(32);
    String program = "cd".repeat(32);
    AuditEvent delivered = CleanRoomAudit.delivery("cleveland", STEWARD, "median",
        new CleanRoomAudit.Delivery(digest, program, 295, 1, 3), new Date(), null);
    AuditEvent refused = CleanRoomAudit.delivery("cleveland", STEWARD, "median",
        new CleanRoomAudit.Delivery(digest, program, 295, null, null), new Date(), "attestation failed");
    AuditEvent receipt = CleanRoomAudit.result("cleveland", STEWARD, "median",
        new CleanRoomAudit.Receipt(digest, program, "ef".repeat(32), List.of("cleveland", "hungarian"), null),
        new Date(), null);

    for (AuditEvent ae : List.of(delivered, refused, receipt)) {
      OperationOutcome outcome = ig.validate(ae, FedFhirIg.FEDFHIR_AUDIT_EVENT);
      assertThat(FedFhirIg.hasErrors(outcome)).as(CTX.newJsonParser().encodeResourceToString(outcome)).isFalse();
    }
  }
}
