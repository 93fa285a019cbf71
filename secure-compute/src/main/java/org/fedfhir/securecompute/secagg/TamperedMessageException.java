package org.fedfhir.securecompute.secagg;

/** A signature or authenticated ciphertext failed to verify: the message was changed in transit or forged. A site aborts its round; the aggregator ignores the message. */
public final class TamperedMessageException extends SecAggException {
  private static final long serialVersionUID = 1L;

  public TamperedMessageException(String message) {
    super(message);
  }
}
