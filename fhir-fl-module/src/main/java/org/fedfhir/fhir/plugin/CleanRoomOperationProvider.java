package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.site.CleanRoomSiteService;
import org.fedfhir.fhir.site.OperationRefusal;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code POST [site]/PlanDefinition/{id}/$clean-room}: the site delivers its rows of an approved
 * clean-room study, sealed to the attested TEE, and answers {@code 200} with the TEE's Parameters
 * ({@code studyDigest}, {@code delivered}, {@code needed}, {@code ran}); the run's receipt ends in an
 * {@code AuditEvent}. POST only. A refusal is an OperationOutcome with the status of its reason.
 */
public class CleanRoomOperationProvider {
  private final CleanRoomSiteService service;

  public CleanRoomOperationProvider(CleanRoomSiteService service) {
    this.service = service;
  }

  @Operation(name = "$clean-room", typeName = "PlanDefinition", idempotent = false,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/clean-room-site", returnParameters = {
          @OperationParam(name = "studyDigest", type = StringType.class, min = 1, max = 1),
          @OperationParam(name = "delivered", type = IntegerType.class, min = 1, max = 1),
          @OperationParam(name = "needed", type = IntegerType.class, min = 1, max = 1),
          @OperationParam(name = "ran", type = BooleanType.class, min = 1, max = 1)})
  public Parameters cleanRoom(@IdParam IdType id, ServletRequestDetails request) {
    try {
      return service.deliver(id.getIdPart(), Requester.of(request));
    } catch (OperationRefusal e) {
      throw Refusals.toHttp(e);
    }
  }
}
