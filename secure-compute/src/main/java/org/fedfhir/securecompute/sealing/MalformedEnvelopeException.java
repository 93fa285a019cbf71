package org.fedfhir.securecompute.sealing;

/**
 * The bytes are not a {@link SealedEnvelope} of the supported suite: a client bug or a wrong
 * field, not an attack on the ciphertext. Callers answer "bad request".
 */
public final class MalformedEnvelopeException extends SealingException {
  private static final long serialVersionUID = 1L;

  public MalformedEnvelopeException(String message) {
    super(message);
  }
}
