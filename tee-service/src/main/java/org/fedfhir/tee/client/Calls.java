package org.fedfhir.tee.client;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.EvidenceFormat;
import org.fedfhir.securecompute.attestation.EvidenceFormatNotAllowedException;
import org.fedfhir.tee.fhir.TeeOperations;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;

/** The HTTP calls both clients make, with errors turned into {@link TeeServiceException}. */
final class Calls {

  private Calls() {}

  static AttestationEvidence attestation(IGenericClient client, byte[] nonce)
      throws TeeServiceException, EvidenceFormatNotAllowedException {
    Parameters in = new Parameters();
    in.addParameter().setName(TeeOperations.NONCE).setValue(new Base64BinaryType(nonce));
    Parameters out = call(() -> client.operation().onServer().named(TeeOperations.ATTESTATION)
        .withParameters(in).useHttpGet().execute());
    byte[] evidence = value(out, TeeOperations.EVIDENCE) instanceof Base64BinaryType b ? b.getValue() : null;
    String format = value(out, TeeOperations.FORMAT) instanceof CodeType c ? c.getValue() : null;
    if (evidence == null || format == null) {
      throw new TeeServiceException("invalid-response", 200, "$attestation answer lacks evidence or format");
    }
    return new AttestationEvidence(EvidenceFormat.fromCode(format), evidence);
  }

  /** The value of the one parameter named {@code name}, or null. */
  static Type value(Parameters parameters, String name) {
    return parameters.getParameter().stream().filter(p -> name.equals(p.getName())).findFirst()
        .map(Parameters.ParametersParameterComponent::getValue).orElse(null);
  }

  interface Call<T> {
    T run();
  }

  static <T> T call(Call<T> call) throws TeeServiceException {
    try {
      return call.run();
    } catch (FhirClientConnectionException e) {
      throw new TeeServiceException("unreachable", 0, "TEE service unreachable: " + e.getMessage());
    } catch (BaseServerResponseException e) {
      String code = "http-" + e.getStatusCode();
      String text = e.getMessage();
      if (e.getOperationOutcome() instanceof OperationOutcome oo && oo.hasIssue()) {
        OperationOutcome.OperationOutcomeIssueComponent issue = oo.getIssueFirstRep();
        if (issue.getDetails().hasCoding()) {
          code = issue.getDetails().getCodingFirstRep().getCode();
        }
        if (issue.hasDiagnostics()) {
          text = issue.getDiagnostics();
        }
      }
      throw new TeeServiceException(code, e.getStatusCode(), "TEE service refused the call (" + code + "): " + text);
    }
  }
}
