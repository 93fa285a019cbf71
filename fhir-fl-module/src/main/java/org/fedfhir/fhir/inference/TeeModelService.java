package org.fedfhir.fhir.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedfhir.securecompute.attestation.AttestationException;
import org.fedfhir.securecompute.attestation.VerifiedAttestation;
import org.fedfhir.securecompute.sealing.SealingException;
import org.fedfhir.tee.client.LeanTeeClient;
import org.fedfhir.tee.client.TeeClient;
import org.fedfhir.tee.client.TeeServiceException;

/**
 * The TEE model service, attested against the site's policy before anything is sent. Predictions
 * take the service's lean path ({@link LeanTeeClient}: one gRPC connection, an attested session
 * reused, many patients sealed in one batch) when the service offers one, else FHIR {@code
 * $predict} patient by patient ({@link TeeClient}: features and a one-time response key sealed to
 * the enclave, HPKE, RFC 9180). A failed attestation sends nothing.
 */
public final class TeeModelService implements ModelService {

  /** Finds the service's lean path; empty if it has none (then FHIR {@code $predict} is used). */
  public interface LeanPath {
    Optional<LeanTeeClient> client() throws TeeServiceException;

    /** Forgets what was found (the service went away; it may come back on another port). */
    default void forget() {}
  }

  private final TeeClient client;
  private final String baseUrl;
  private final LeanPath lean;

  /** Predictions over FHIR {@code $predict} only. */
  public TeeModelService(TeeClient client, String baseUrl) {
    this(client, baseUrl, Optional::empty);
  }

  public TeeModelService(TeeClient client, String baseUrl, LeanPath lean) {
    this.client = client;
    this.baseUrl = baseUrl;
    this.lean = lean;
  }

  @Override
  public String baseUrl() {
    return baseUrl;
  }

  /** The attestation, verified (the client caches it until it expires, so a batch attests once). */
  @Override
  public void attest() throws InferenceRefusal {
    try {
      client.attestation();
    } catch (AttestationException e) {
      throw attestationFailed(e);
    } catch (TeeServiceException e) {
      throw teeFailed(e);
    }
  }

  @Override
  public Prediction predict(String study, String modelDigest, List<String> names, double[] values)
      throws InferenceRefusal {
    return predictAll(study, modelDigest, names, List.of(values)).get(0);
  }

  @Override
  public List<Prediction> predictAll(String study, String modelDigest, List<String> names, List<double[]> values)
      throws InferenceRefusal {
    try {
      Optional<LeanTeeClient> path = lean.client();
      if (path.isPresent()) {
        double[] rows = new double[values.size() * names.size()];
        for (int i = 0; i < values.size(); i++) {
          System.arraycopy(values.get(i), 0, rows, i * names.size(), names.size());
        }
        LeanTeeClient.Answer answer;
        try {
          answer = path.get().predict(study, modelDigest, names, rows);
        } catch (TeeServiceException e) {
          if ("unreachable".equals(e.code())) {
            lean.forget(); // the next call asks the CapabilityStatement again
          }
          throw e;
        }
        return predictions(answer.probabilities(), answer.attestation());
      }
      VerifiedAttestation attestation = client.attestation();
      double[] p = new double[values.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = client.predict(study, modelDigest, names, values.get(i));
      }
      return predictions(p, attestation);
    } catch (AttestationException e) {
      throw attestationFailed(e);
    } catch (TeeServiceException e) {
      throw teeFailed(e);
    } catch (SealingException e) {
      throw new InferenceRefusal(InferenceRefusal.Reason.TEE_FAILED, "the TEE model service at " + baseUrl
          + " answered a prediction that did not open (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static List<Prediction> predictions(double[] p, VerifiedAttestation attestation) {
    List<Prediction> out = new ArrayList<>(p.length);
    for (double probability : p) {
      out.add(new Prediction(probability, attestation.format().code(), attestation.measurement().hex()));
    }
    return out;
  }

  private InferenceRefusal attestationFailed(AttestationException e) {
    return new InferenceRefusal(InferenceRefusal.Reason.ATTESTATION_FAILED, "the TEE model service at " + baseUrl
        + " failed attestation (" + e.getClass().getSimpleName() + ": " + e.getMessage()
        + "); nothing was sent to it");
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
