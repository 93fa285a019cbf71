package org.fedfhir.auth.smart;

import java.time.Instant;

/**
 * An EHR launch context created at {@code POST /launch}: the patient (and optional encounter) an
 * app launched with its {@code launch} value is bound to.
 */
public record LaunchContext(String patient, String encounter, Instant expiresAt) {}
