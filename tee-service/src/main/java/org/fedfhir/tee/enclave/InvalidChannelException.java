package org.fedfhir.tee.enclave;

/**
 * A batch that does not fit its session's sealed channel: batch 0 without the channel's encapsulated
 * key, or a later batch carrying one (a session has one channel, set up by its first batch).
 */
public final class InvalidChannelException extends TeeException {
  private static final long serialVersionUID = 1L;

  public InvalidChannelException(String message) {
    super(message);
  }

  @Override
  public String code() {
    return "invalid-channel";
  }
}
