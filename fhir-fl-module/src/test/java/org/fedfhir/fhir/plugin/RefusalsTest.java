package org.fedfhir.fhir.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.NotImplementedOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.fedfhir.fhir.site.SiteRefusal;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** A site's refusal as the client receives it from HAPI: its status and its OperationOutcome. */
class RefusalsTest {

  @Test
  void eachRefusalIsAnsweredWithItsStatusAndOperationOutcome() {
    BaseServerResponseException forbidden = Refusals.toHttp(new SiteRefusal(SiteRefusal.Reason.NOT_APPROVED,
        "not approved here"));
    assertThat(forbidden).isInstanceOf(ForbiddenOperationException.class).hasMessageContaining("not approved here");
    OperationOutcome oo = (OperationOutcome) forbidden.getOperationOutcome();
    assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
    assertThat(oo.getIssueFirstRep().getDiagnostics()).isEqualTo("not approved here");

    assertThat(Refusals.toHttp(new SiteRefusal(SiteRefusal.Reason.WRONG_KIND, "kind", "PlanDefinition.status")))
        .isInstanceOf(UnprocessableEntityException.class);
    assertThat(Refusals.toHttp(new SiteRefusal(SiteRefusal.Reason.NOT_CONFIGURED, "no aggregator")))
        .isInstanceOf(NotImplementedOperationException.class);
    assertThat(Refusals.toHttp(new SiteRefusal(SiteRefusal.Reason.AGGREGATOR_TIMEOUT, "slow")).getStatusCode())
        .isEqualTo(504);
  }
}
