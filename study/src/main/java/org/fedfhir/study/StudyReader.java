package org.fedfhir.study;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * Turns a PlanDefinition into a study: runs every configured {@link StudyValidator} (the rule-based
 * {@link StudyParser} always, an IG-profile validator when the {@code ig} module supplies one), then
 * parses.
 */
public final class StudyReader {
  private final StudyParser parser = new StudyParser();
  private final List<StudyValidator> extraValidators;

  public StudyReader(List<StudyValidator> extraValidators) {
    this.extraValidators = List.copyOf(extraValidators);
  }

  public StudyReader() {
    this(List.of());
  }

  public StudyDefinition read(PlanDefinition planDefinition) throws InvalidStudyException {
    List<StudyIssue> issues = new ArrayList<>(parser.validate(planDefinition));
    for (StudyValidator v : extraValidators) {
      issues.addAll(v.validate(planDefinition));
    }
    if (!issues.isEmpty()) {
      throw new InvalidStudyException(issues);
    }
    return parser.parse(planDefinition);
  }

  /** The issues as an OperationOutcome: one {@code error/invalid} issue per broken rule. */
  public static OperationOutcome toOperationOutcome(List<StudyIssue> issues) {
    OperationOutcome oo = new OperationOutcome();
    for (StudyIssue i : issues) {
      oo.addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.ERROR)
          .setCode(OperationOutcome.IssueType.INVALID)
          .setDiagnostics(i.reason())
          .addExpression(i.location());
    }
    return oo;
  }
}
