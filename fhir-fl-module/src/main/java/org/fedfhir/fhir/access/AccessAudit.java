package org.fedfhir.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Date;
import org.fedfhir.fhir.audit.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits every refused request: an {@code AuditEvent} (type {@code rest}, the interaction as subtype,
 * outcome 4 = refused) naming the caller as authenticated (or "anonymous") and its network address,
 * and what it asked for by resource type and operation — never a resource id, a parameter or a token.
 */
@Interceptor
public final class AccessAudit {

  private static final Logger LOG = LoggerFactory.getLogger(AccessAudit.class);
  private static final String AUDIT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
  private static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";

  private final DaoRegistry daos;
  private final String site;

  public AccessAudit(DaoRegistry daos, String site) {
    this.daos = daos;
    this.site = site;
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean refused(RequestDetails request, BaseServerResponseException e) {
    if (e instanceof AuthenticationException || e instanceof ForbiddenOperationException) {
      String what = request.getRestOperationType() == null ? "request"
          : request.getRestOperationType().getCode();
      String target = request.getOperation() != null ? request.getOperation()
          : request.getResourceName() != null ? request.getResourceName() : "server";
      record(Requester.of(request), what, target, e.getStatusCode());
    }
    return true;
  }

  /**
   * Records one refused request.
   *
   * @param interaction the FHIR interaction ({@code read}, {@code create}, {@code operation}…)
   * @param target the resource type or operation name
   */
  public void record(Requester requester, String interaction, String target, int status) {
    AuditEvent ae = new AuditEvent();
    ae.setType(new Coding(AUDIT_TYPE, "rest", "Restful Operation"));
    ae.addSubtype(new Coding(RESTFUL_INTERACTION, interaction, interaction));
    ae.setAction(AuditEvent.AuditEventAction.E);
    ae.setRecorded(new Date());
    ae.setOutcome(AuditEvent.AuditEventOutcome._4);
    ae.setOutcomeDesc(status == 401 ? "refused: not authenticated (401)" : "refused: not authorised (403)");
    requester.describe(ae.addAgent());
    ae.getSource().setSite(site).getObserver().setDisplay(site);
    ae.addEntity().setName(target);
    try {
      daos.getResourceDao(AuditEvent.class).create(ae, new SystemRequestDetails());
    } catch (RuntimeException failure) {
      LOG.warn("could not record a refused request as an AuditEvent: {}", failure.toString());
    }
  }
}
