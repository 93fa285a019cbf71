package org.fedfhir.securecompute.attestation;

/**
 * The signing certificate does not chain to the configured root (wrong root, a broken or expired\n * chain, a non-P-384 key). Either the service runs outside a genuine Nitro enclave or the\n * policy's root is wrong.
 */
public final class UntrustedCertificateChainException extends AttestationException {
  private static final long serialVersionUID = 1L;

  public UntrustedCertificateChainException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "untrusted-certificate-chain";
  }
}
