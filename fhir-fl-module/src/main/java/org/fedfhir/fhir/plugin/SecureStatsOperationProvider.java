package org.fedfhir.fhir.plugin;

import org.fedfhir.fhir.audit.Requester;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.fedfhir.fhir.site.SecureStatsSiteService;
import org.fedfhir.fhir.site.SiteRefusal;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * {@code POST [site]/PlanDefinition/{id}/$secure-stats}: the site joins the statistics study at the
 * aggregator and contributes when the aggregator runs it. Answers {@code 202 Accepted} with an
 * informational OperationOutcome; the site's part ends in an {@code AuditEvent}. POST only. A refusal
 * is an OperationOutcome with the status of its {@link SiteRefusal.Reason}.
 */
public class SecureStatsOperationProvider {
  private final FhirContext ctx;
  private final SecureStatsSiteService service;

  public SecureStatsOperationProvider(FhirContext ctx, SecureStatsSiteService service) {
    this.ctx = ctx;
    this.service = service;
  }

  @Operation(name = "$secure-stats", typeName = "PlanDefinition", idempotent = false, manualResponse = true,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/secure-stats-site")
  public void secureStats(@IdParam IdType id, ServletRequestDetails request, HttpServletResponse response)
      throws IOException {
    OperationOutcome joined;
    try {
      joined = service.join(id.getIdPart(), Requester.of(request));
    } catch (SiteRefusal e) {
      throw Refusals.toHttp(e);
    }
    response.setStatus(202);
    response.setContentType("application/fhir+json;charset=utf-8");
    response.getWriter().write(ctx.newJsonParser().encodeResourceToString(joined));
    response.getWriter().close();
  }
}
