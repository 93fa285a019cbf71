package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.fedfhir.fhir.audit.Requester;
import org.fedfhir.fhir.site.LocalTrainingService;
import org.fedfhir.fhir.site.SiteRefusal;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;

/**
 * {@code POST [base]/PlanDefinition/{id}/$train}: answers {@code 202 Accepted} with
 * {@code Content-Location} of the Task that tracks the run (FHIR asynchronous pattern). Not
 * idempotent, so HAPI refuses GET with an OperationOutcome. A refusal is an OperationOutcome with the
 * status of its {@link SiteRefusal.Reason}.
 */
public class TrainOperationProvider {
  private final FhirContext ctx;
  private final LocalTrainingService service;

  public TrainOperationProvider(FhirContext ctx, LocalTrainingService service) {
    this.ctx = ctx;
    this.service = service;
  }

  @Operation(name = "$train", typeName = "PlanDefinition", idempotent = false, manualResponse = true,
      canonicalUrl = StudyUrls.OPERATION_TRAIN,
      returnParameters = @OperationParam(name = "return", type = Task.class, min = 1, max = 1))
  public void train(@IdParam IdType id, @OperationParam(name = "mode", min = 0, max = 1) CodeType mode,
      ServletRequestDetails request, HttpServletResponse response) throws IOException {
    Task task;
    try {
      task = service.start(id.getIdPart(), mode == null ? null : mode.getValue(), Requester.of(request));
    } catch (SiteRefusal e) {
      throw Refusals.toHttp(e);
    }
    response.setStatus(202);
    response.setHeader("Content-Location", request.getFhirServerBase() + "/Task/" + task.getIdElement().getIdPart());
    response.setContentType("application/fhir+json;charset=utf-8");
    response.getWriter().write(ctx.newJsonParser().encodeResourceToString(task));
    response.getWriter().close();
  }
}
