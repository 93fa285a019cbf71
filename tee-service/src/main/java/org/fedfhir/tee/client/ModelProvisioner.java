package org.fedfhir.tee.client;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Clock;
import java.util.Arrays;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.AttestationVerifier;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.tee.fhir.TeeOperations;
import org.fedfhir.tee.model.LinearModel;
import org.fedfhir.tee.model.ModelCodec;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * The model owner's (the aggregator's) side of {@code $provision-model}: attests the service with
 * a fresh nonce (never a cached attestation), seals the model's canonical encoding to the attested
 * enclave key, bound to the study and digest (HPKE, RFC 9180), sends it, and returns a {@link
 * ProvisioningRecord}.
 *
 * <p>Security guarantees: the model leaves only sealed, and only to an enclave whose evidence
 * verified against the policy; the plaintext encoding is wiped after sealing.
 */
public final class ModelProvisioner {

  private final IGenericClient client;
  private final AttestationVerifier verifier;
  private final Clock clock;

  public ModelProvisioner(IGenericClient client, AttestationVerifier verifier, Clock clock) {
    this.client = client;
    this.verifier = verifier;
    this.clock = clock;
  }

  /** Provisions {@code model}, its probabilities rounded to the service's default precision. */
  public ProvisioningRecord provision(LinearModel model) throws AttestationException, TeeServiceException {
    return provision(model, null);
  }

  /**
   * Provisions {@code model}; the enclave rounds its probabilities to {@code precision} decimals
   * (null: the service's default, 3).
   *
   * @throws AttestationException the service's attestation failed; the model was not sent
   * @throws TeeServiceException the service refused the model
   */
  public ProvisioningRecord provision(LinearModel model, Integer precision)
      throws AttestationException, TeeServiceException {
    byte[] nonce = verifier.freshNonce();
    AttestationEvidence evidence = Calls.attestation(client, nonce);
    VerifiedAttestation attestation = verifier.verify(evidence, nonce);
    byte[] encoding = ModelCodec.encode(model);
    String digest = ModelCodec.digest(encoding);
    byte[] sealed;
    try {
      sealed = Hpke.seal(attestation.enclavePublicKey(), SealingContext.forModel(model.study(), digest), encoding)
          .toBytes();
    } finally {
      Arrays.fill(encoding, (byte) 0);
    }
    Parameters in = new Parameters();
    in.addParameter().setName(TeeOperations.SEALED_MODEL).setValue(new Base64BinaryType(sealed));
    in.addParameter().setName(TeeOperations.STUDY).setValue(new CanonicalType(model.study()));
    in.addParameter().setName(TeeOperations.MODEL_DIGEST).setValue(new StringType(digest));
    if (precision != null) {
      in.addParameter().setName(TeeOperations.PRECISION).setValue(new org.hl7.fhir.r4.model.IntegerType(precision));
    }
    Calls.call(() -> client.operation().onServer().named(TeeOperations.PROVISION_MODEL)
        .withParameters(in).returnResourceType(OperationOutcome.class).execute());
    return new ProvisioningRecord(client.getServerBase(), attestation.format(), attestation.measurement(),
        attestation.timestamp(), model.study(), model.version(), digest, clock.instant());
  }
}
