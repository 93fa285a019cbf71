package org.fedfhir.fhir.plugin;

import org.hl7.fhir.r4.model.OperationOutcome;

/** OperationOutcomes with one specific issue. */
final class Outcomes {
  private Outcomes() {}

  static OperationOutcome error(OperationOutcome.IssueType type, String diagnostics, String expression) {
    OperationOutcome oo = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue = oo.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
    if (expression != null) {
      issue.addExpression(expression);
    }
    return oo;
  }
}
