package org.fedfhir.fhir.access;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;

/** Writes a refusal made before HAPI sees the request (Spring Security) as a FHIR {@code OperationOutcome}. */
final class OperationOutcomes {

  private OperationOutcomes() {}

  static void write(HttpServletResponse response, int status, OperationOutcome.IssueType code, String message)
      throws IOException {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(code).setDiagnostics(message);
    response.setStatus(status);
    response.setContentType("application/fhir+json;charset=UTF-8");
    response.getOutputStream().write(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(oo)
        .getBytes(StandardCharsets.UTF_8));
  }
}
