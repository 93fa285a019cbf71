package org.fedfhir.fhir.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hl7.fhir.r4.model.OperationOutcome;

/** What a client sees of a refusal: the HTTP status and the OperationOutcome's first issue. */
final class Refused {
  private Refused() {}

  /**
   * Asserts that {@code call} is refused with {@code reason}, answered with {@code status}, and an
   * error issue of {@code code} whose diagnostics contain {@code diagnostics} at {@code expression}
   * (null: none).
   */
  static OperationOutcome.OperationOutcomeIssueComponent refused(ThrowingCallable call, SiteRefusal.Reason reason,
      int status, OperationOutcome.IssueType code, String diagnostics, String expression) {
    SiteRefusal refusal = catchThrowableOfType(call, SiteRefusal.class);
    assertThat(refusal).as("refused").isNotNull();
    assertThat(refusal.reason()).isEqualTo(reason);
    assertThat(refusal.reason().status()).isEqualTo(status);
    OperationOutcome.OperationOutcomeIssueComponent issue = refusal.outcome().getIssueFirstRep();
    assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(issue.getCode()).isEqualTo(code);
    assertThat(issue.getDiagnostics()).contains(diagnostics);
    if (expression == null) {
      assertThat(issue.getExpression()).isEmpty();
    } else {
      assertThat(issue.getExpression()).extracting(e -> e.getValue()).containsExactly(expression);
    }
    return issue;
  }
}
