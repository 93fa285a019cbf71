package org.fedfhir.fhir.inference;

import java.util.List;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.client.TeeServiceException;

/**
 * The TEE model service through {@link TeeClient}: attestation verified against the site's policy
 * (cached until it expires), features and a one-time response key sealed to the enclave (HPKE,
 * RFC 9180), {@code $predict}, the sealed answer opened. A failed attestation sends nothing.
 */
public final class TeeModelService implements ModelService {

  private final TeeClient client;
  private final String baseUrl;

  public TeeModelService(TeeClient client, String baseUrl) {
    this.client = client;
    this.baseUrl = baseUrl;
  }

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  /** The attestation, verified (the client caches it until it expires, so a batch attests once). */
  @Override
  public void attest() throws InferenceRefusal {
    verified();
  }

  private VerifiedAttestation verified() throws InferenceRefusal {
    try {
      return client.attestation();
    } catch (AttestationException e) {
      throw new InferenceRefusal(InferenceRefusal.Reason.ATTESTATION_FAILED, "the TEE model service at " + baseUrl
          + " failed attestation (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); nothing was sent to it");
    } catch (TeeServiceException e) {
      throw teeFailed(e);
    }
  }

  @Override
  public Prediction predict(String study, String modelDigest, List<String> names, double[] values)
      throws InferenceRefusal {
    VerifiedAttestation attestation = verified();
    try {
      double p = client.predict(study, modelDigest, names, values);
      return new Prediction(p, attestation.format().code(), attestation.measurement().hex());
    } catch (AttestationException e) {
      // the cached attestation expired between the two calls and the fresh one failed
      throw new InferenceRefusal(InferenceRefusal.Reason.ATTESTATION_FAILED, "the TEE model service at " + baseUrl
          + " failed attestation (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "); nothing was sent to it");
    } catch (TeeServiceException e) {
      throw teeFailed(e);
    } catch (SealingException e) {
      throw new InferenceRefusal(InferenceRefusal.Reason.TEE_FAILED, "the TEE model service at " + baseUrl
          + " answered a prediction that did not open (" + e.getClass().getSimpleName() + ")");
    }
  }

  private InferenceRefusal teeFailed(TeeServiceException e) {
    if (e.status() == 429) {
      return new InferenceRefusal(InferenceRefusal.Reason.TEE_BUDGET_SPENT, "the TEE model service at " + baseUrl
          + " refused the prediction: " + e.getMessage());
    }
    return new InferenceRefusal(InferenceRefusal.Reason.TEE_FAILED, "the TEE model service at " + baseUrl
        + " refused or failed the call (" + e.code() + (e.status() > 0 ? ", HTTP " + e.status() : "") + "): "
        + e.getMessage());
  }
}
