package org.fedfhir.tee.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.fedfhir.securecompute.sealing.MalformedEnvelopeException;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.tee.cleanroom.AlreadyDeliveredException;
import org.fedfhir.tee.cleanroom.CleanRoom;
import org.fedfhir.tee.cleanroom.CleanRoomFullException;
import org.fedfhir.tee.cleanroom.CleanRoomResult;
import org.fedfhir.tee.cleanroom.ResultNotReadyException;
import org.fedfhir.tee.enclave.TeeException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;

/**
 * The clean room's two operations (docs/cleanroom.md): {@code $clean-room-submit}, a site's rows
 * sealed to the enclave for one study, and {@code $clean-room-result}, the run's receipt with the
 * result sealed to the researcher's key. Who may call them is {@link TeeAccessPolicy}'s to decide.
 */
public final class CleanRoomOperationProvider {

  private final CleanRoom room;

  public CleanRoomOperationProvider(CleanRoom room) {
    this.room = room;
  }

  /** {@code $clean-room-submit}: the calling site's rows for {@code study}; the program runs with the last site needed. */
  @Operation(name = TeeOperations.CLEAN_ROOM_SUBMIT,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/clean-room-submit", returnParameters = {
          @OperationParam(name = TeeOperations.STUDY_DIGEST, type = StringType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.DELIVERED, type = IntegerType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.NEEDED, type = IntegerType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.RAN, type = BooleanType.class, min = 1, max = 1)})
  public Parameters submit(@OperationParam(name = TeeOperations.STUDY, min = 1, max = 1) PlanDefinition study,
      @OperationParam(name = TeeOperations.SEALED_ROWS, min = 1, max = 1) Base64BinaryType sealedRows,
      RequestDetails request) {
    if (study == null) {
      throw Outcomes.invalid("missing-parameter", "parameter study (the PlanDefinition as the steward approved it) is required");
    }
    if (sealedRows == null || !sealedRows.hasValue()) {
      throw Outcomes.invalid("missing-parameter", "parameter " + TeeOperations.SEALED_ROWS + " (base64Binary) is required");
    }
    CleanRoom.Delivery delivery;
    try {
      delivery = room.submit(study, TeeAccessPolicy.deliveringSite(request), sealedRows.getValue());
    } catch (MalformedEnvelopeException e) {
      throw Outcomes.invalid("malformed-envelope", e.getMessage());
    } catch (UnauthenticatedEnvelopeException e) {
      throw Outcomes.unprocessable(IssueType.SECURITY, "sealed-data-not-authenticated", "the rows do not open for this "
          + "study digest, program and site (sealed for another study, program or site, or altered)");
    } catch (TeeException e) {
      throw refused(e);
    }
    Parameters out = new Parameters();
    out.addParameter().setName(TeeOperations.STUDY_DIGEST).setValue(new StringType(room.digest(study)));
    out.addParameter().setName(TeeOperations.DELIVERED).setValue(new IntegerType(delivery.delivered()));
    out.addParameter().setName(TeeOperations.NEEDED).setValue(new IntegerType(delivery.needed()));
    out.addParameter().setName(TeeOperations.RAN).setValue(new BooleanType(delivery.ran()));
    return out;
  }

  /** {@code $clean-room-result}: the receipt in the clear and the released records sealed to the researcher. */
  @Operation(name = TeeOperations.CLEAN_ROOM_RESULT, idempotent = true,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/clean-room-result", returnParameters = {
          @OperationParam(name = TeeOperations.STUDY, type = CanonicalType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.STUDY_DIGEST, type = StringType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.PROGRAM_SHA256, type = StringType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.SITE, type = StringType.class, min = 1, max = OperationParam.MAX_UNLIMITED),
          @OperationParam(name = TeeOperations.OUTPUT_SHA256, type = StringType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.RELEASED, type = IntegerType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.SUPPRESSED, type = IntegerType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.SEALED_RESULT, type = Base64BinaryType.class, min = 1, max = 1)})
  public Parameters result(@OperationParam(name = TeeOperations.STUDY_DIGEST, min = 1, max = 1) StringType studyDigest,
      RequestDetails request) {
    if (studyDigest == null || studyDigest.getValue() == null || !studyDigest.getValue().matches("[0-9a-f]{64}")) {
      throw Outcomes.invalid("invalid-parameter", "parameter " + TeeOperations.STUDY_DIGEST
          + " must be the study's SHA-256 digest, 64 lowercase hex digits");
    }
    String digest = studyDigest.getValue();
    TeeAccessPolicy.authoriseResult(request, site -> room.delivered(digest, site));
    CleanRoomResult result;
    byte[] sealed;
    try {
      result = room.result(digest);
      sealed = room.sealedResult(digest);
    } catch (TeeException e) {
      throw refused(e);
    }
    Parameters out = new Parameters();
    out.addParameter().setName(TeeOperations.STUDY).setValue(new CanonicalType(result.studyUrl()));
    out.addParameter().setName(TeeOperations.STUDY_DIGEST).setValue(new StringType(result.studyDigest()));
    out.addParameter().setName(TeeOperations.PROGRAM_SHA256).setValue(new StringType(result.programSha256()));
    for (String site : result.sites()) {
      out.addParameter().setName(TeeOperations.SITE).setValue(new StringType(site));
    }
    out.addParameter().setName(TeeOperations.OUTPUT_SHA256).setValue(new StringType(result.outputSha256()));
    out.addParameter().setName(TeeOperations.RELEASED).setValue(new IntegerType(result.released().size()));
    out.addParameter().setName(TeeOperations.SUPPRESSED).setValue(new IntegerType(result.suppressed().size()));
    out.addParameter().setName(TeeOperations.SEALED_RESULT).setValue(new Base64BinaryType(sealed));
    return out;
  }

  private static BaseServerResponseException refused(TeeException e) {
    if (e instanceof ResultNotReadyException) {
      return new PreconditionFailedException(e.getMessage(), Outcomes.error(IssueType.INCOMPLETE, e.code(), e.getMessage()));
    }
    if (e instanceof AlreadyDeliveredException) {
      return new ResourceVersionConflictException(e.getMessage(), Outcomes.error(IssueType.DUPLICATE, e.code(), e.getMessage()));
    }
    if (e instanceof CleanRoomFullException) {
      return Outcomes.storeFull(e.code(), e.getMessage());
    }
    return Outcomes.unprocessable(IssueType.PROCESSING, e.code(), e.getMessage());
  }
}
