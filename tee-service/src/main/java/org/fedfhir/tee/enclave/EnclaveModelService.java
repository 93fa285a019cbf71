package org.fedfhir.tee.enclave;

import java.util.Arrays;
import java.util.List;
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
 * Probabilities leave rounded to the precision provisioned with the model (3 decimals by default),
 * and the enclave holds a bounded number of studies' models. Not guaranteed: replay protection of {@code $predict} (a replayed request yields another
 * prediction sealed to the original caller's key, which only that caller can open). Thread-safe.
 */
public final class EnclaveModelService {

  /** A study's model as held: its digest and the decimals its probabilities are rounded to. */
  private record Held(String digest, LinearModel model, int precision) {}

  /** How many studies' models an enclave holds unless told otherwise. */
  public static final int DEFAULT_MAX_MODELS = 64;
  /** Decimals of a probability unless the study declares its own precision. */
  public static final int DEFAULT_PRECISION = 3;

  private final Attester attester;
  private final SealingKeyPair enclaveKey;
  private final int maxModels;
  private final Map<String, Held> models = new ConcurrentHashMap<>();
  private final EnclaveSessions sessions;
  private final org.fedfhir.tee.cleanroom.CleanRoom cleanRoom;

  public EnclaveModelService(Attester attester, SealingKeyPair enclaveKey) {
    this(attester, enclaveKey, DEFAULT_MAX_MODELS);
  }

  /** @param maxModels how many studies' models it holds at most (one model per study: a new one replaces it) */
  public EnclaveModelService(Attester attester, SealingKeyPair enclaveKey, int maxModels) {
    if (maxModels < 1) {
      throw new IllegalArgumentException("max models " + maxModels + "; need at least 1");
    }
    this.attester = attester;
    this.enclaveKey = enclaveKey;
    this.maxModels = maxModels;
    this.sessions = new EnclaveSessions(this, attester, new java.security.SecureRandom(), java.time.Clock.systemUTC(),
        EnclaveSessions.DEFAULT_MAX_SESSIONS, EnclaveSessions.DEFAULT_LIFETIME);
    this.cleanRoom = new org.fedfhir.tee.cleanroom.CleanRoom(enclaveKey,
        new org.fedfhir.tee.cleanroom.WasmSandbox(org.fedfhir.tee.cleanroom.SandboxLimits.DEFAULT));
  }

  /** The clean room, opening rows sealed to this enclave's key. */
  public org.fedfhir.tee.cleanroom.CleanRoom cleanRoom() {
    return cleanRoom;
  }

  /** The attested sessions of the lean prediction path, with the same models. */
  public EnclaveSessions sessions() {
    return sessions;
  }

  /** Evidence binding the measurement, {@code nonce} and the enclave's HPKE public key. */
  public AttestationEvidence attest(byte[] nonce) {
    return attester.attest(nonce, enclaveKey.publicKey(), new byte[0]);
  }

  /** As {@link #provision(String, String, byte[], int)} with {@link #DEFAULT_PRECISION}. */
  public void provision(String study, String modelDigest, byte[] sealedModel)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException, TeeException {
    provision(study, modelDigest, sealedModel, DEFAULT_PRECISION);
  }

  /**
   * Opens, checks and keeps a model sealed to the enclave for {@code study} and {@code modelDigest},
   * replacing the study's previous model; its probabilities will be rounded to {@code precision}
   * decimals (1–6) inside the enclave, so exact answers never leave it.
   *
   * @throws ModelStoreFullException if it would be one study more than the enclave holds
   */
  public void provision(String study, String modelDigest, byte[] sealedModel, int precision)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException, TeeException {
    if (precision < 1 || precision > 6) {
      throw new IllegalArgumentException("precision " + precision + "; need 1–6 decimals");
    }
    if (!models.containsKey(study) && models.size() >= maxModels) {
      throw new ModelStoreFullException("the enclave holds models of " + maxModels
          + " studies, its maximum; no model of another study is accepted");
    }
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
      synchronized (models) {
        if (!models.containsKey(study) && models.size() >= maxModels) {
          throw new ModelStoreFullException("the enclave holds models of " + maxModels
              + " studies, its maximum; no model of another study is accepted");
        }
        models.put(study, new Held(modelDigest, model, precision));
      }
    } finally {
      Arrays.fill(encoding, (byte) 0);
    }
  }

  /** {@code p} to {@code decimals} decimals, half to even. */
  public static double round(double p, int decimals) {
    return java.math.BigDecimal.valueOf(p).setScale(decimals, java.math.RoundingMode.HALF_EVEN).doubleValue();
  }

  /** True if a model with this study and digest is held. */
  public boolean holds(String study, String modelDigest) {
    Held held = models.get(study);
    return held != null && held.digest().equals(modelDigest);
  }

  /**
   * Opens sealed features, predicts with the named model and seals the probability to the
   * caller's response key.
   *
   * @return the sealed prediction envelope bytes
   */
  public byte[] predict(String study, String modelDigest, String requestId, byte[] sealedFeatures)
      throws MalformedEnvelopeException, UnauthenticatedEnvelopeException, TeeException {
    Held held = models.get(study);
    LinearModel model = held == null || !held.digest().equals(modelDigest) ? null : held.model();
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
    requireModelOrder(features.names(), model);
    double probability = round(model.predict(features.values()), held.precision());
    return Hpke.seal(features.responsePublicKey(), SealingContext.forPrediction(study, modelDigest, requestId),
        new PredictionPayload(probability).encode()).toBytes();
  }

  /**
   * The released probabilities of {@code rows.length / names.size()} patients, row by row: the same
   * evaluation and rounding as {@link #predict}.
   */
  double[] evaluate(String study, String modelDigest, List<String> names, double[] rows)
      throws UnknownModelException, InvalidFeaturesException {
    Held held = models.get(study);
    if (held == null || !held.digest().equals(modelDigest)) {
      throw new UnknownModelException("no model with this study and modelDigest is provisioned in this enclave");
    }
    LinearModel model = held.model();
    requireModelOrder(names, model);
    int n = names.size();
    if (rows.length % n != 0) {
      throw new InvalidFeaturesException(rows.length + " values are not whole rows of " + n + " features");
    }
    double[] probabilities = new double[rows.length / n];
    for (int i = 0; i < probabilities.length; i++) {
      double[] row = Arrays.copyOfRange(rows, i * n, (i + 1) * n);
      for (double v : row) {
        if (Double.isInfinite(v)) {
          throw new InvalidFeaturesException("feature values must be finite or NaN (missing)");
        }
      }
      probabilities[i] = round(model.predict(row), held.precision());
      Arrays.fill(row, 0);
    }
    return probabilities;
  }

  private static void requireModelOrder(List<String> names, LinearModel model) throws InvalidFeaturesException {
    if (!names.equals(model.featureNames())) {
      throw new InvalidFeaturesException("the features are named " + names
          + " but the model expects " + model.featureNames() + " in this order");
    }
  }
}
