package org.fedfhir.access;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/** HTTP 429: the caller's query budget is spent. HAPI renders it as an {@code OperationOutcome}. */
public final class TooManyRequestsException extends BaseServerResponseException {
  public static final int STATUS_CODE = 429;

  public TooManyRequestsException(String message) {
    super(STATUS_CODE, message);
  }
}
