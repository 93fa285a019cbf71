package org.fedfhir.fhir.site;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.Measurement;
import org.fedfhir.securecompute.attestation.SimulatedAttester;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.sealing.MalformedEnvelopeException;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.tee.cleanroom.AlreadyDeliveredException;
import org.fedfhir.tee.cleanroom.CleanRoom;
import org.fedfhir.tee.cleanroom.CleanRoomResult;
import org.fedfhir.tee.cleanroom.ResultNotReadyException;
import org.fedfhir.tee.cleanroom.SandboxLimits;
import org.fedfhir.tee.cleanroom.WasmSandbox;
import org.fedfhir.tee.enclave.TeeException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;

/**
 * The TEE's side of the clean-room wire contract (issue 16: {@code $attestation}, {@code
 * $clean-room-submit}, {@code $clean-room-result}) over the real {@link CleanRoom} and simulated
 * evidence, for the site's tests until tee-service serves it. The site is named by the header
 * {@value #SITE_HEADER} (the real service reads it from the client certificate); {@code sealedResult}
 * is left out (the site never opens it). Counts what it was asked.
 */
public final class ContractTee {
  static final String SITE_HEADER = "X-Test-Site";
  static final String ERROR_SYSTEM = "http://fedfhir.org/fhir/CodeSystem/tee-error";

  final Ed25519.KeyPair platform = Ed25519.generate(new SecureRandom());
  final Measurement measurement = Measurement.of(new byte[48]);
  private final SealingKeyPair enclaveKey = SealingKeyPair.generate(new SecureRandom());
  private final SimulatedAttester attester = new SimulatedAttester(platform, measurement, Clock.systemUTC());
  private final CleanRoom room = new CleanRoom(enclaveKey,
      new WasmSandbox(SandboxLimits.DEFAULT.withWallTime(Duration.ofSeconds(30))));
  final AtomicInteger attestations = new AtomicInteger();
  final AtomicInteger submits = new AtomicInteger();
  final AtomicInteger deliveries = new AtomicInteger();

  String digest(PlanDefinition study) {
    return room.digest(study);
  }

  CleanRoomResult result(String digest) throws TeeException {
    return room.result(digest);
  }

  @Operation(name = "$attestation", idempotent = true)
  public Parameters attestation(@OperationParam(name = "nonce", min = 1, max = 1) Base64BinaryType nonce) {
    attestations.incrementAndGet();
    AttestationEvidence evidence = attester.attest(nonce.getValue(), enclaveKey.publicKey(), new byte[0]);
    Parameters out = new Parameters();
    out.addParameter().setName("evidence").setValue(new Base64BinaryType(evidence.document()));
    out.addParameter().setName("format").setValue(new CodeType(evidence.format().code()));
    return out;
  }

  @Operation(name = "$clean-room-submit")
  public Parameters submit(@OperationParam(name = "study", min = 1, max = 1) PlanDefinition study,
      @OperationParam(name = "sealedRows", min = 1, max = 1) Base64BinaryType sealedRows, RequestDetails request) {
    submits.incrementAndGet();
    try {
      CleanRoom.Delivery d = room.submit(study, request.getHeader(SITE_HEADER), sealedRows.getValue());
      deliveries.incrementAndGet();
      Parameters out = new Parameters();
      out.addParameter().setName("studyDigest").setValue(new StringType(room.digest(study)));
      out.addParameter().setName("delivered").setValue(new IntegerType(d.delivered()));
      out.addParameter().setName("needed").setValue(new IntegerType(d.needed()));
      out.addParameter().setName("ran").setValue(new BooleanType(d.ran()));
      return out;
    } catch (UnauthenticatedEnvelopeException e) {
      throw error(400, "unauthenticated-envelope", "the rows do not open for this study, program and site");
    } catch (MalformedEnvelopeException e) {
      throw error(400, "malformed-envelope", e.getMessage());
    } catch (TeeException e) {
      throw error(e instanceof AlreadyDeliveredException ? 409 : 422, e.code(), e.getMessage());
    }
  }

  @Operation(name = "$clean-room-result")
  public Parameters result(@OperationParam(name = "studyDigest", min = 1, max = 1) StringType studyDigest) {
    try {
      CleanRoomResult r = room.result(studyDigest.getValue());
      Parameters out = new Parameters();
      out.addParameter().setName("study").setValue(new CanonicalType(r.studyUrl()));
      out.addParameter().setName("studyDigest").setValue(new StringType(r.studyDigest()));
      out.addParameter().setName("programSha256").setValue(new StringType(r.programSha256()));
      r.sites().forEach(s -> out.addParameter().setName("site").setValue(new StringType(s)));
      out.addParameter().setName("outputSha256").setValue(new StringType(r.outputSha256()));
      out.addParameter().setName("released").setValue(new IntegerType(r.released().size()));
      out.addParameter().setName("suppressed").setValue(new IntegerType(r.suppressed().size()));
      return out;
    } catch (TeeException e) {
      throw error(e instanceof ResultNotReadyException ? 412 : 422, e.code(), e.getMessage());
    }
  }

  private static BaseServerResponseException error(int status, String code, String text) {
    OperationOutcome oo = new OperationOutcome();
    oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.PROCESSING)
        .setDiagnostics(text).getDetails().addCoding().setSystem(ERROR_SYSTEM).setCode(code);
    BaseServerResponseException e = BaseServerResponseException.newInstance(status, text);
    e.setOperationOutcome(oo);
    return e;
  }
}
