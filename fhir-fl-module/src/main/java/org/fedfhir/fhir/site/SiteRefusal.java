package org.fedfhir.fhir.site;

import java.util.List;
import org.fedfhir.study.StudyIssue;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The site would not, or could not, do what {@code $train} or {@code $secure-stats} asked.
 * {@link #reason()} says why and which HTTP status the provider answers; {@link #outcome()} is the
 * OperationOutcome for the client. Messages name studies, parameters and counts, never a patient's value.
 */
public final class SiteRefusal extends OperationRefusal {
  private static final long serialVersionUID = 1L;

  /** One value per failure mode, with its HTTP status and FHIR issue type. */
  public enum Reason implements OperationRefusal.Kind {
    /** A parameter of the request is not one the operation knows. */
    INVALID_REQUEST(400, OperationOutcome.IssueType.CODEINVALID),
    /** No PlanDefinition with that id at this site. */
    UNKNOWN_STUDY(404, OperationOutcome.IssueType.NOTFOUND),
    /** The PlanDefinition is not a valid study (one issue per problem, naming the element). */
    INVALID_STUDY(422, OperationOutcome.IssueType.INVALID),
    /** The study is of the other kind (training or statistics) than the operation runs. */
    WRONG_KIND(422, OperationOutcome.IssueType.BUSINESSRULE),
    /** The study's status is not {@code active}. */
    NOT_ACTIVE(422, OperationOutcome.IssueType.BUSINESSRULE),
    /** No active ResearchStudy approves the study at this site. */
    NOT_APPROVED(403, OperationOutcome.IssueType.FORBIDDEN),
    /** The study's statistics cannot be computed here: a declaration or the site's number of records. */
    STATISTICS_REFUSED(422, OperationOutcome.IssueType.BUSINESSRULE),
    /** The site has no aggregator configured. */
    NOT_CONFIGURED(501, OperationOutcome.IssueType.NOTSUPPORTED),
    /** The aggregator refused the join, could not be reached or ended the session first. */
    AGGREGATOR_FAILED(502, OperationOutcome.IssueType.TRANSIENT),
    /** The aggregator did not answer the join in time. */
    AGGREGATOR_TIMEOUT(504, OperationOutcome.IssueType.TIMEOUT),
    /** The server stopped while the request waited. */
    INTERRUPTED(503, OperationOutcome.IssueType.TRANSIENT);

    private final Answer answer;

    Reason(int status, OperationOutcome.IssueType type) {
      this.answer = new Answer(status, type);
    }

    @Override
    public Answer answer() {
      return answer;
    }
  }

  private final Reason reason;

  /** A refusal with one issue, about no element in particular. */
  public SiteRefusal(Reason reason, String message) {
    this(reason, message, (String) null);
  }

  /** A refusal with one issue, located at {@code expression} (may be null). */
  public SiteRefusal(Reason reason, String message, String expression) {
    this(reason, message, List.of(new Issue(message, expression)));
  }

  public SiteRefusal(Reason reason, String message, List<Issue> issues) {
    super(reason, message, issues, null);
    this.reason = reason;
  }

  /** The study parser's issues, each naming the element at fault. */
  static SiteRefusal invalidStudy(String planDefinitionId, List<StudyIssue> issues) {
    return new SiteRefusal(Reason.INVALID_STUDY, "PlanDefinition/" + planDefinitionId + " is not a valid study",
        issues.stream().map(i -> new Issue(i.reason(), i.location())).toList());
  }

  public Reason reason() {
    return reason;
  }
}
