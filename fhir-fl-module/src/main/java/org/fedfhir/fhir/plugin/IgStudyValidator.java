package org.fedfhir.fhir.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.fedfhir.study.StudyIssue;
import org.fedfhir.study.StudyValidator;
import org.fedfhir.ig.FedFhirIg;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * Holds a study to the implementation guide: HAPI's validator with the guide's {@code
 * FederatedStudy} profile, its invariants, extensions and value sets. Runs beside the rule-based
 * {@link org.fedfhir.study.StudyParser}; every issue of severity error refuses the study. The
 * guide loads in the background when the server starts (a few seconds), so start-up is not held up.
 */
public final class IgStudyValidator implements StudyValidator {

  private final CompletableFuture<FedFhirIg> guide;

  public IgStudyValidator(CompletableFuture<FedFhirIg> guide) {
    this.guide = guide;
  }

  /** Starts loading the guide now, or takes the one this JVM has loaded ({@link FedFhirIg#loadCached()}). */
  public static IgStudyValidator loadingInBackground() {
    return new IgStudyValidator(FedFhirIg.loadCached());
  }

  @Override
  public List<StudyIssue> validate(PlanDefinition planDefinition) {
    OperationOutcome outcome;
    try {
      outcome = guide.get().validateStudy(planDefinition);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of(new StudyIssue("PlanDefinition", "validation was interrupted"));
    } catch (ExecutionException e) {
      return List.of(new StudyIssue("PlanDefinition", "the FedFHIR implementation guide could not be loaded"));
    }
    List<StudyIssue> issues = new ArrayList<>();
    for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
      if (issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR
          || issue.getSeverity() == OperationOutcome.IssueSeverity.FATAL) {
        String location = issue.getExpression().isEmpty() ? "PlanDefinition" : issue.getExpression().get(0).getValue();
        issues.add(new StudyIssue(location, "FederatedStudy: " + issue.getDiagnostics()));
      }
    }
    return issues;
  }
}
