package org.fedfhir.fhir.site;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * {@code $clean-room} at this site did not deliver the rows, after the study was admitted (an
 * unknown, invalid, inactive or unapproved study is a {@link SiteRefusal}). {@link #reason()} says
 * why and which HTTP status the provider answers; each issue carries its code from {@value #SYSTEM}.
 * Messages name studies, services and codes, never a row.
 */
public final class CleanRoomRefusal extends OperationRefusal {
  private static final long serialVersionUID = 1L;

  /** The system of the codes in {@code OperationOutcome.issue.details}. */
  public static final String SYSTEM = "http://fedfhir.org/fhir/CodeSystem/clean-room-error";

  /** One value per failure mode, with its HTTP status and FHIR issue type. */
  public enum Reason implements OperationRefusal.Kind {
    /** The site has no TEE model service configured ({@code fedfhir.tee.url}). */
    TEE_NOT_CONFIGURED(501, OperationOutcome.IssueType.NOTSUPPORTED),
    /** The TEE's attestation failed the site's policy; no row was sealed or sent. */
    ATTESTATION_FAILED(502, OperationOutcome.IssueType.SECURITY),
    /** The TEE already holds this site's rows for the study, or the study has already run. */
    ALREADY_DELIVERED(409, OperationOutcome.IssueType.CONFLICT),
    /** The TEE refused the rows or the study (its code is named in the message). */
    TEE_REFUSED(422, OperationOutcome.IssueType.BUSINESSRULE),
    /** The TEE could not be reached, or answered something the contract does not allow. */
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

  public CleanRoomRefusal(Reason reason, String message) {
    super(reason, message, List.of(new Issue(message, null)), SYSTEM);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
