package org.fedfhir.securecompute.attestation;

/**
 * The evidence is genuine but the measured code and configuration (simulated measurement, or Nitro\n * PCR0 and any pinned PCRs) are not among the policy's trusted measurements: the service runs other\n * code than the one approved.
 */
public final class UntrustedMeasurementException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public UntrustedMeasurementException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "untrusted-measurement";
  }
}
