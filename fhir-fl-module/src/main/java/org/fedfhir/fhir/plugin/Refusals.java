package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.fedfhir.fhir.site.SiteRefusal;

/** A site's refusal as HAPI answers it: the reason's HTTP status with the refusal's OperationOutcome. */
final class Refusals {
  private Refusals() {}

  static BaseServerResponseException toHttp(SiteRefusal refusal) {
    BaseServerResponseException e = BaseServerResponseException.newInstance(refusal.reason().status(),
        refusal.getMessage());
    e.setOperationOutcome(refusal.outcome());
    return e;
  }
}
