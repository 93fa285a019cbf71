package org.fedfhir.tee.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** OperationOutcomes with a stable code, and the HAPI exceptions that carry them. */
final class Outcomes {

  private Outcomes() {}

  static OperationOutcome outcome(OperationOutcome.IssueSeverity severity, IssueType type, String code, String text) {
    CodeableConcept details = new CodeableConcept().setText(text);
    details.addCoding().setSystem(TeeOperations.ERROR_SYSTEM).setCode(code);
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(severity).setCode(type).setDetails(details).setDiagnostics(text);
    return oo;
  }

  static OperationOutcome error(IssueType type, String code, String text) {
    return outcome(OperationOutcome.IssueSeverity.ERROR, type, code, text);
  }

  /** 400: a parameter is missing or malformed. */
  static BaseServerResponseException invalid(String code, String text) {
    return new InvalidRequestException(text, error(IssueType.INVALID, code, text));
  }

  /** 404: the named model is not held. */
  static BaseServerResponseException notFound(String code, String text) {
    return new ResourceNotFoundException(text, error(IssueType.NOTFOUND, code, text));
  }

  /** 507: the enclave holds its maximum of models. */
  static BaseServerResponseException storeFull(String code, String text) {
    OperationOutcome oo = error(IssueType.TOOCOSTLY, code, text);
    BaseServerResponseException e = new BaseServerResponseException(507, text, oo) { };
    return e;
  }

  /** 422: well-formed but refused (does not authenticate, wrong digest, features do not fit). */
  static BaseServerResponseException unprocessable(IssueType type, String code, String text) {
    return new UnprocessableEntityException(text, error(type, code, text));
  }
}
