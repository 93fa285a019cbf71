package org.fedfhir.tee.enclave;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.fedfhir.securecompute.attestation.AttestationEvidence;
import org.fedfhir.securecompute.attestation.Attester;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.MalformedEnvelopeException;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.tee.model.FeaturesPayload;
import org.fedfhir.tee.model.LinearModel;
import org.fedfhir.tee.model.ModelCodec;
import org.fedfhir.tee.model.PredictionPayload;

/**
 * The model service inside the TEE: attestation, provisioning and prediction, with no FHIR.
 *
 * <p>Security guarantees (given that the enclave itself is genuine and attested):
 * <ul>
 *   <li>the enclave's HPKE private key is generated inside the service and never leaves it; its
 *       public key is bound into every attestation evidence;</li>
 *   <li>a model is accepted only sealed to that key (RFC 9180) with associated data (model, study,
 *       digest), and only if its SHA-256 digest equals the digest named; it is kept in memory only;</li>
 *   <li>features are opened only if sealed to that key for this study, model digest and request id;
 *       the prediction is sealed to the one-time response key carried <em>inside</em> the sealed
 *       features, bound to the same study, digest and request id, so the host sees neither;</li>
 *   <li>nothing is logged; exceptions name fields and counts, never values.</li>
 * </ul>
 * Not guaranteed: replay protection of {@code $predict} (a replayed request yields another
 * prediction sealed to the original caller's key, which only that caller can open). Thread-safe.
 */
public final class EnclaveModelService {

  private record ModelKey(String study, String digest) {}

  private final Attester attester;
  private final SealingKeyPair enclaveKey;
  private final Map<ModelKey, LinearModel> models = new ConcurrentHashMap<>();

  public EnclaveModelService(Attester attester, SealingKeyPair enclaveKey) {
    this.attester = attester;
    this.enclaveKey = enclaveKey;
  }

  /** Evidence binding the measurement, {@code nonce} and the enclave's HPKE public key. */
  public AttestationEvidence attest(byte[] nonce) {
    return attester.attest(nonce, enclaveKey.publicKey(), new byte[0]);
  }

  /** Opens, checks and keeps a model sealed to the enclave for {@code study} and {@code modelDigest}. */
  public void provision(String study, String modelDigest, byte[] sealedModel)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException, TeeException {
    byte[] encoding = Hpke.open(enclaveKey, SealingContext.forModel(study, modelDigest), sealedModel);
    try {
      if (!ModelCodec.digest(encoding).equals(modelDigest)) {
        throw new ModelDigestMismatchException(
            "the opened model's SHA-256 digest differs from the modelDigest parameter");
      }
      LinearModel model;
      try {
        model = ModelCodec.decode(encoding);
      } catch (IllegalArgumentException e) {
        throw new MalformedModelException("the opened model is not a FedFHIR linear model: " + e.getMessage());
      }
      if (!model.study().equals(study)) {
        throw new MalformedModelException("the model belongs to another study than the study parameter");
      }
      models.put(new ModelKey(study, modelDigest), model);
    } finally {
      Arrays.fill(encoding, (byte) 0);
    }
  }

  /** True if a model with this study and digest is held. */
  public boolean holds(String study, String modelDigest) {
    return models.containsKey(new ModelKey(study, modelDigest));
  }

  /**
   * Opens sealed features, predicts with the named model and seals the probability to the
   * caller's response key.
   *
   * @return the sealed prediction envelope bytes
   */
  public byte[] predict(String study, String modelDigest, String requestId, byte[] sealedFeatures)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException, TeeException {
    LinearModel model = models.get(new ModelKey(study, modelDigest));
    if (model == null) {
      throw new UnknownModelException("no model with this study and modelDigest is provisioned in this enclave");
    }
    byte[] plaintext = Hpke.open(enclaveKey, SealingContext.forFeatures(study, modelDigest, requestId), sealedFeatures);
    FeaturesPayload features;
    try {
      features = FeaturesPayload.decode(plaintext);
    } catch (IllegalArgumentException e) {
      throw new InvalidFeaturesException("the opened features are not a FedFHIR features payload: " + e.getMessage());
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
    if (!features.names().equals(model.featureNames())) {
      throw new InvalidFeaturesException("the features are named " + features.names()
          + " but the model expects " + model.featureNames() + " in this order");
    }
    double probability = model.predict(features.values());
    return Hpke.seal(features.responsePublicKey(), SealingContext.forPrediction(study, modelDigest, requestId),
        new PredictionPayload(probability).encode()).toBytes();
  }
}
