package org.fedfhir.fhir.inference;

import java.util.List;
import org.fedfhir.fhir.site.OperationRefusal;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * {@code $infer} could not give a risk. {@link #reason()} says why (and which HTTP status the
 * provider answers); {@link #outcome()} is the OperationOutcome for the client. Messages name
 * studies, features, codes and services, never a patient's value.
 */
public final class InferenceRefusal extends OperationRefusal {
  private static final long serialVersionUID = 1L;

  /** One value per failure mode, with its HTTP status and FHIR issue type. */
  public enum Reason implements OperationRefusal.Kind {
    /** The {@code study} parameter is missing or malformed. */
    INVALID_REQUEST(400, OperationOutcome.IssueType.REQUIRED),
    /** No PlanDefinition with that canonical at this site. */
    STUDY_NOT_FOUND(404, OperationOutcome.IssueType.NOTFOUND),
    /** No such Group (batch {@code $infer}). */
    GROUP_NOT_FOUND(404, OperationOutcome.IssueType.NOTFOUND),
    /** No such patient. */
    PATIENT_NOT_FOUND(404, OperationOutcome.IssueType.NOTFOUND),
    /** The study is invalid, not a training study or has no probability model. */
    INVALID_STUDY(422, OperationOutcome.IssueType.INVALID),
    /** No active ResearchStudy approves the study at this site. */
    NOT_APPROVED(403, OperationOutcome.IssueType.FORBIDDEN),
    /** The patient's research consent denies use. */
    CONSENT_DENIED(403, OperationOutcome.IssueType.FORBIDDEN),
    /** The patient is outside the study's cohort criteria. */
    OUTSIDE_COHORT(422, OperationOutcome.IssueType.BUSINESSRULE),
    /** The patient lacks features the model needs (one issue per feature). */
    MISSING_FEATURES(422, OperationOutcome.IssueType.REQUIRED),
    /** The site knows no model digest for the study (nothing provisioned yet). */
    NO_MODEL(422, OperationOutcome.IssueType.NOTFOUND),
    /** The site has no TEE model service configured. */
    TEE_NOT_CONFIGURED(501, OperationOutcome.IssueType.NOTSUPPORTED),
    /** The TEE's attestation failed the site's policy; nothing was sent. */
    ATTESTATION_FAILED(502, OperationOutcome.IssueType.SECURITY),
    /**
     * The TEE refused the prediction: this site's query budget for the study, or the study's over all
     * sites, is spent (the message says which and when it resets).
     */
    TEE_BUDGET_SPENT(429, OperationOutcome.IssueType.THROTTLED),
    /** The TEE refused the call, could not be reached or answered something that did not open. */
    TEE_FAILED(502, OperationOutcome.IssueType.TRANSIENT);

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

  public InferenceRefusal(Reason reason, String message) {
    this(reason, message, List.of(new Issue(message, null)));
  }

  public InferenceRefusal(Reason reason, String message, List<Issue> issues) {
    super(reason, message, issues, "http://fedfhir.org/fhir/CodeSystem/infer-error");
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
