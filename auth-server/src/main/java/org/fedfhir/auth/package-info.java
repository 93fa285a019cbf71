/**
 * FedFHIR's own SMART on FHIR authorisation server, run when a hospital does not plug in its own
 * issuer: SMART App Launch 2.2 (EHR and standalone launch, PKCE {@code S256} only, OpenID Connect
 * with {@code fhirUser}, SMART v1 and v2 scopes, rotated refresh tokens) and SMART Backend Services
 * ({@code client_credentials} with {@code private_key_jwt}), on Spring Authorization Server 1.5.
 * Start it with {@link org.fedfhir.auth.AuthServer#start(org.fedfhir.auth.AuthServerSettings)}.
 *
 * <h2>The access-token contract</h2>
 * Resource servers (the hospital FHIR servers) depend on exactly this. Access tokens are JWTs
 * signed (RS256) with the server's own key, published at {@code ISSUER/oauth2/jwks}; the key is
 * generated at start, so tokens do not survive a restart. Claims:
 * <table>
 *   <caption>Access-token claims</caption>
 *   <tr><th>claim</th><th>value</th></tr>
 *   <tr><td>{@code iss}</td><td>the issuer URL</td></tr>
 *   <tr><td>{@code aud}</td><td>SMART launches: the one resource URL requested with the authorize
 *       parameter {@code aud} (required, one of the configured resources); backend clients: all
 *       configured resource URLs, or the one named by an optional {@code aud} token-request parameter</td></tr>
 *   <tr><td>{@code sub}</td><td>the username (users) or the client id (backend clients)</td></tr>
 *   <tr><td>{@code client_id}</td><td>the client the token was issued to</td></tr>
 *   <tr><td>{@code scope}</td><td>the granted scopes as ONE space-separated string, e.g.
 *       {@code "launch patient/Observation.rs openid fhirUser"}</td></tr>
 *   <tr><td>{@code fhirUser}</td><td>users only: the user's FHIR resource, e.g.
 *       {@code Practitioner/dr-house} (present whatever the scopes; the ID token carries it when
 *       scope {@code fhirUser} was granted)</td></tr>
 *   <tr><td>{@code patient}</td><td>when a launch context exists: the Patient id (EHR launch: from
 *       {@code POST /launch}; standalone {@code launch/patient}: the patient a staff user picked at
 *       {@code /patient-picker}, or a patient user's own patient)</td></tr>
 *   <tr><td>{@code encounter}</td><td>when the EHR launch named one: the Encounter id</td></tr>
 *   <tr><td>{@code fedfhir_roles}</td><td>JSON array of the user's or backend client's roles, from
 *       {@code clinician}, {@code data-steward}, {@code researcher}, {@code integrator}</td></tr>
 *   <tr><td>{@code exp}, {@code iat}, {@code nbf}, {@code jti}</td><td>{@code exp} = {@code iat} +
 *       the configured lifetime (default 5 minutes)</td></tr>
 * </table>
 * The token response carries the same launch context as {@code patient} / {@code encounter}
 * parameters. Refresh tokens are issued only with {@code offline_access} or
 * {@code online_access}, to confidential clients, and each is usable once (rotation).
 *
 * <h2>Endpoints</h2>
 * {@code /oauth2/authorize} (GET and POST), {@code /oauth2/token}, {@code /oauth2/jwks},
 * {@code /oauth2/revoke}, {@code /oauth2/introspect}, {@code /userinfo},
 * {@code /.well-known/openid-configuration}, {@code /.well-known/smart-configuration},
 * {@code /login} (form login for users) and {@code POST /launch} (EHR launch contexts; HTTP Basic
 * as a confidential client registered with {@code launchIssuer: true}).
 */
package org.fedfhir.auth;
