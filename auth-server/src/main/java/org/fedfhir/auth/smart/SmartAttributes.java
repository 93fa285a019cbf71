package org.fedfhir.auth.smart;

/** Names of the SMART values kept with an authorization, and of the request parameters they come from. */
public final class SmartAttributes {
  /** Authorization attribute: the bound Patient id. */
  public static final String PATIENT = "fedfhir.smart.patient";
  /** Authorization attribute: the bound Encounter id. */
  public static final String ENCOUNTER = "fedfhir.smart.encounter";
  /** Authorization attribute: set once the launch context was resolved for this authorization. */
  public static final String CONTEXT_BOUND = "fedfhir.smart.context-bound";
  /** Authorize request parameter: the resource server the token is for. */
  public static final String AUD = "aud";
  /** Authorize request parameter: the EHR launch value. */
  public static final String LAUNCH = "launch";

  private SmartAttributes() {}
}
