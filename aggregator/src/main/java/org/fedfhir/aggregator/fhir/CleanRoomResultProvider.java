package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Optional;
import java.util.function.Function;
import org.fedfhir.aggregator.cleanroom.CleanRoomResults;
import org.fedfhir.study.StudyKind;
import org.fedfhir.study.StudyUrls;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * {@code POST [aggregator]/PlanDefinition/{id}/$clean-room-result}: a published clean-room study's
 * receipt and result, sealed in the TEE to the researcher's key, relayed from the TEE model service
 * (docs/cleanroom.md). 404 unknown study, 422 not a clean-room study; the TEE's 412 (not ready) and
 * 422 (the run failed) pass through. Who may call it (the study's owner) is
 * {@link RegistryAccessPolicy}'s to decide.
 */
public final class CleanRoomResultProvider {

  private final CleanRoomResults results;
  private final Function<String, Optional<PlanDefinition>> published;

  public CleanRoomResultProvider(CleanRoomResults results, Function<String, Optional<PlanDefinition>> published) {
    this.results = results;
    this.published = published;
  }

  @Operation(name = "$clean-room-result", typeName = "PlanDefinition", idempotent = true,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/clean-room-result-aggregator",
      returnParameters = @OperationParam(name = "return", type = Parameters.class, min = 1, max = 1))
  public Parameters cleanRoomResult(@IdParam IdType id) {
    PlanDefinition study = published.apply(id.getIdPart())
        .orElseThrow(() -> new ResourceNotFoundException("no study is published as PlanDefinition/" + id.getIdPart()));
    boolean cleanRoom = study.getExtensionsByUrl(StudyUrls.EXT_STUDY_KIND).stream()
        .anyMatch(e -> StudyKind.CLEAN_ROOM.code().equals(e.getValue().primitiveValue()));
    if (!cleanRoom) {
      throw new UnprocessableEntityException("PlanDefinition/" + id.getIdPart() + " is not a clean-room study");
    }
    return results.fetch(study);
  }
}
