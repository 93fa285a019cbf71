package org.fedfhir.securecompute.sealing;

/** Base of the failures to open a sealed message; each subclass is one failure mode. */
public abstract class SealingException extends Exception {
  private static final long serialVersionUID = 1L;

  protected SealingException(String message) {
    super(message);
  }
}
