package org.fedfhir.aggregator.grpc;

import io.grpc.Status;
import org.fedfhir.aggregator.round.ProtocolViolation;

/** The gRPC status each kind of refusal crosses the wire as. */
final class Statuses {

  private Statuses() {}

  static Status of(ProtocolViolation v) {
    Status s = switch (v.kind()) {
      case NOT_JOINED, WRONG_STAGE, WRONG_ROUND -> Status.FAILED_PRECONDITION;
      case UNKNOWN_STUDY -> Status.NOT_FOUND;
      case DEFINITION_MISMATCH, MALFORMED -> Status.INVALID_ARGUMENT;
      case ALREADY_CONNECTED, REPLAY -> Status.ALREADY_EXISTS;
      case WRONG_STUDY, NOT_A_PARTICIPANT -> Status.PERMISSION_DENIED;
    };
    return s.withDescription(v.kind() + ": " + v.getMessage());
  }
}
