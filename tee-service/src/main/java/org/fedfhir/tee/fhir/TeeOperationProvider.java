package org.fedfhir.tee.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.sealing.MalformedEnvelopeException;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.tee.enclave.EnclaveModelService;
import org.fedfhir.tee.enclave.TeeException;
import org.fedfhir.tee.enclave.UnknownModelException;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.StringType;

/**
 * System operations of the TEE model service. Thin: checks presence of parameters and maps
 * failures to OperationOutcomes; the work is {@link EnclaveModelService}'s. {@code
 * $provision-model} and {@code $predict} are not idempotent, so HAPI refuses them over GET.
 */
public final class TeeOperationProvider {

  private final EnclaveModelService enclave;
  private final TeeAccessPolicy access;

  public TeeOperationProvider(EnclaveModelService enclave, TeeAccessPolicy access) {
    this.enclave = enclave;
    this.access = access;
  }

  /** {@code $attestation?nonce=…}: evidence binding the measurement, the nonce and the enclave's HPKE key. */
  @Operation(name = TeeOperations.ATTESTATION, idempotent = true,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/attestation", returnParameters = {
          @OperationParam(name = TeeOperations.EVIDENCE, type = Base64BinaryType.class, min = 1, max = 1),
          @OperationParam(name = TeeOperations.FORMAT, type = CodeType.class, min = 1, max = 1)})
  public Parameters attestation(@OperationParam(name = TeeOperations.NONCE, min = 1, max = 1) Base64BinaryType nonce) {
    byte[] n = required(nonce, TeeOperations.NONCE);
    if (n.length < 16 || n.length > 512) {
      throw Outcomes.invalid("invalid-nonce", "nonce must be 16..512 bytes, got " + n.length);
    }
    AttestationEvidence evidence = enclave.attest(n);
    Parameters out = new Parameters();
    out.addParameter().setName(TeeOperations.EVIDENCE).setValue(new Base64BinaryType(evidence.document()));
    out.addParameter().setName(TeeOperations.FORMAT).setValue(new CodeType(evidence.format().code()));
    return out;
  }

  /**
   * {@code $provision-model}: a model sealed to the enclave key by its owner; kept in memory, its
   * probabilities rounded to {@code precision} decimals (default 3); one model per study, and at most
   * the service's maximum of studies (507 beyond).
   */
  @Operation(name = TeeOperations.PROVISION_MODEL,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/provision-model",
      returnParameters = @OperationParam(name = "return", type = OperationOutcome.class, min = 1, max = 1))
  public OperationOutcome provisionModel(
      @OperationParam(name = TeeOperations.SEALED_MODEL, min = 1, max = 1) Base64BinaryType sealedModel,
      @OperationParam(name = TeeOperations.STUDY, min = 1, max = 1) CanonicalType study,
      @OperationParam(name = TeeOperations.MODEL_DIGEST, min = 1, max = 1) StringType modelDigest,
      @OperationParam(name = TeeOperations.PRECISION, min = 0, max = 1) IntegerType precision) {
    String s = requiredText(study, TeeOperations.STUDY);
    String digest = requiredDigest(modelDigest);
    int decimals = precision == null || precision.getValue() == null ? EnclaveModelService.DEFAULT_PRECISION
        : precision.getValue();
    if (decimals < 1 || decimals > 6) {
      throw Outcomes.invalid("invalid-precision", "precision must be 1..6 decimals, got " + decimals);
    }
    try {
      enclave.provision(s, digest, required(sealedModel, TeeOperations.SEALED_MODEL), decimals);
    } catch (SealingException | TeeException e) {
      throw refused(e);
    }
    return Outcomes.outcome(OperationOutcome.IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, "provisioned",
        "model " + digest + " provisioned for " + s);
  }

  /** {@code $predict}: features sealed to the enclave; the prediction sealed to the caller's response key. */
  @Operation(name = TeeOperations.PREDICT, canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/predict",
      returnParameters = @OperationParam(name = TeeOperations.SEALED_PREDICTION, type = Base64BinaryType.class,
          min = 1, max = 1))
  public Parameters predict(
      @OperationParam(name = TeeOperations.SEALED_FEATURES, min = 1, max = 1) Base64BinaryType sealedFeatures,
      @OperationParam(name = TeeOperations.STUDY, min = 1, max = 1) CanonicalType study,
      @OperationParam(name = TeeOperations.MODEL_DIGEST, min = 1, max = 1) StringType modelDigest,
      @OperationParam(name = TeeOperations.REQUEST_ID, min = 1, max = 1) StringType requestId,
      ca.uhn.fhir.rest.api.server.RequestDetails request) {
    byte[] sealed = required(sealedFeatures, TeeOperations.SEALED_FEATURES);
    String s = requiredText(study, TeeOperations.STUDY);
    String digest = requiredDigest(modelDigest);
    String id = requiredText(requestId, TeeOperations.REQUEST_ID);
    if (!enclave.holds(s, digest)) { // before charging: a name the enclave does not hold costs no budget state
      throw Outcomes.notFound("unknown-model", "no model with this study and modelDigest is provisioned in this enclave");
    }
    access.chargePrediction(request, s);
    byte[] answer;
    try {
      answer = enclave.predict(s, digest, id, sealed);
    } catch (SealingException | TeeException e) {
      throw refused(e);
    }
    Parameters out = new Parameters();
    out.addParameter().setName(TeeOperations.SEALED_PREDICTION).setValue(new Base64BinaryType(answer));
    return out;
  }

  private static RuntimeException refused(Exception e) {
    if (e instanceof org.fedfhir.tee.enclave.ModelStoreFullException full) {
      return Outcomes.storeFull(full.code(), full.getMessage());
    }
    if (e instanceof UnknownModelException u) {
      return Outcomes.notFound(u.code(), u.getMessage());
    }
    if (e instanceof TeeException t) {
      return Outcomes.unprocessable(IssueType.INVALID, t.code(), t.getMessage());
    }
    if (e instanceof MalformedEnvelopeException) {
      return Outcomes.invalid("malformed-envelope", e.getMessage());
    }
    return Outcomes.unprocessable(IssueType.SECURITY, "sealed-data-not-authenticated", e.getMessage());
  }

  private static byte[] required(Base64BinaryType value, String name) {
    if (value == null || value.getValue() == null || value.getValue().length == 0) {
      throw Outcomes.invalid("missing-parameter", "parameter " + name + " (base64Binary) is required");
    }
    return value.getValue();
  }

  private static String requiredText(PrimitiveType<String> value, String name) {
    if (value == null || value.getValue() == null || value.getValue().isBlank()) {
      throw Outcomes.invalid("missing-parameter", "parameter " + name + " is required");
    }
    if (value.getValue().length() > 1024) {
      throw Outcomes.invalid("invalid-parameter", "parameter " + name + " longer than 1024 characters");
    }
    return value.getValue();
  }

  private static String requiredDigest(StringType value) {
    String digest = requiredText(value, TeeOperations.MODEL_DIGEST);
    if (!digest.matches("[0-9a-f]{64}")) {
      throw Outcomes.invalid("invalid-model-digest", "modelDigest must be 64 lowercase hex digits (SHA-256)");
    }
    return digest;
  }
}
