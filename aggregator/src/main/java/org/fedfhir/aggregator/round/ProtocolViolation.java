package org.fedfhir.aggregator.round;

/**
 * A site's message was refused. The {@link Kind} says why; the gRPC edge turns it into a
 * {@code Status} with this message as description, the site's session ends and the site counts as
 * a dropout of the round in flight, which goes on with the others.
 */
public final class ProtocolViolation extends Exception {

  /** Why a message was refused. */
  public enum Kind {
    /** The first message of a session was not a Join, or a Join came twice. */
    NOT_JOINED,
    /** No study with this URL and version is published at the aggregator. */
    UNKNOWN_STUDY,
    /** The site's study definition differs from the aggregator's (digest or model dimension). */
    DEFINITION_MISMATCH,
    /** The site has another session open for this study. */
    ALREADY_CONNECTED,
    /** The message is bound to another study. */
    WRONG_STUDY,
    /** The message is bound to another round (late or early). */
    WRONG_ROUND,
    /** The message belongs to another stage than the one the round is in. */
    WRONG_STAGE,
    /** The site already sent its message for this stage (a replay or duplicate). */
    REPLAY,
    /** The site is not a participant of the round in flight. */
    NOT_A_PARTICIPANT,
    /** The message is malformed: wrong vector length, wrong key size, bad signature … */
    MALFORMED
  }

  private final Kind kind;

  public ProtocolViolation(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
