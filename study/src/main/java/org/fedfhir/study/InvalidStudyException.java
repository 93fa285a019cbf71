package org.fedfhir.study;

import java.util.List;
import java.util.stream.Collectors;

/** A PlanDefinition that is not a valid FedFHIR study; carries every issue found. */
public final class InvalidStudyException extends Exception {
  private final List<StudyIssue> issues;

  public InvalidStudyException(List<StudyIssue> issues) {
    super(issues.stream().map(StudyIssue::toString).collect(Collectors.joining("; ")));
    this.issues = List.copyOf(issues);
  }

  public List<StudyIssue> issues() {
    return issues;
  }
}
