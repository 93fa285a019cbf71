package org.fedfhir.auth.smart;

import java.time.Instant;

/**
 * A launch context: the patient (and optional encounter) an app's authorization is bound to. An EHR
 * opens one at {@code POST /launch} ({@code pickedBy} null: whoever signs in with its launch value); a
 * signed-in staff user opens one at the patient picker of a standalone {@code launch/patient}
 * ({@code pickedBy} that user: no one else's authorization may bind it).
 */
public record LaunchContext(String patient, String encounter, Instant expiresAt, String pickedBy) {

  /** Whether the authorization of user {@code principal} may bind this context. */
  public boolean usableBy(String principal) {
    return pickedBy == null || pickedBy.equals(principal);
  }
}
