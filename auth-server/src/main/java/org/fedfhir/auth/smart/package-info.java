/**
 * SMART App Launch 2.2 on Spring Authorization Server: scope syntax, EHR launch contexts
 * ({@code POST /launch}), the {@code aud} and launch checks of authorization requests, binding the
 * patient context to an authorization, the access-token claims, refresh tokens only with
 * {@code offline_access}/{@code online_access}, and the discovery document.
 */
package org.fedfhir.auth.smart;
