package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.fedfhir.fhir.site.OperationRefusal;

/** A refusal as HAPI answers it: the refusal's HTTP status with its OperationOutcome. */
final class Refusals {
  private Refusals() {}

  static BaseServerResponseException toHttp(OperationRefusal refusal) {
    BaseServerResponseException e = BaseServerResponseException.newInstance(refusal.status(),
        refusal.getMessage());
    e.setOperationOutcome(refusal.outcome());
    return e;
  }
}
