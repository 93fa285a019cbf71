package org.fedfhir.access;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a caller is. People and their systems get roles from the authorisation server (claim
 * {@code fedfhir_roles}); parties of the network get theirs from their certificate
 * ({@link NetworkIdentity}).
 */
public enum Role {
  /** A clinician: reads and infers for patients in their care (SMART app, user token). */
  CLINICIAN("clinician"),
  /** A hospital's data steward: approves studies, records consent, starts the site's part. */
  DATA_STEWARD("data-steward"),
  /** A researcher: publishes studies at the aggregator and receives their releases. */
  RESEARCHER("researcher"),
  /** An integrator's system (SMART Backend Services): bulk export and system scopes. */
  INTEGRATOR("integrator"),
  /** A hospital, as a party of the network (certificate). */
  SITE("site"),
  /** The aggregator, as a party of the network (certificate). */
  AGGREGATOR("aggregator"),
  /** The TEE model service, as a party of the network (certificate). */
  TEE("tee");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  /** The role's code in tokens, certificates and files, e.g. {@code data-steward}. */
  public String code() {
    return code;
  }

  /** The role with this code, if any. */
  public static Optional<Role> fromCode(String code) {
    return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
  }

  /** Whether this is a role of a party of the network (carried by a certificate, never by a token). */
  public boolean isNetworkParty() {
    return this == SITE || this == AGGREGATOR || this == TEE;
  }
}
