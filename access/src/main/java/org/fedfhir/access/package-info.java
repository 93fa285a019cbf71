/**
 * Who is calling a FedFHIR server and what they may do, in one place for every server (hospital,
 * aggregator, TEE model service, authorisation server's clients).
 *
 * <ul>
 *   <li>A {@link org.fedfhir.access.Caller} is the authenticated party of one request: a user or an
 *       app holding a SMART access token ({@link org.fedfhir.access.AccessTokenVerifier},
 *       {@link org.fedfhir.access.TokenClaims}), a SMART Backend Services client, or a party of the
 *       network holding a certificate of the network CA ({@link org.fedfhir.access.NetworkIdentity});
 *   <li>{@link org.fedfhir.access.Role}s name what a caller is (clinician, data steward, researcher,
 *       integrator; site, aggregator, TEE); {@link org.fedfhir.access.SmartScope}s what a token
 *       lets it do;
 *   <li>{@link org.fedfhir.access.HttpsConnectors} and {@link org.fedfhir.access.BindPolicy}: every
 *       HTTP server binds loopback unless told otherwise and refuses plain HTTP on a routable address.
 * </ul>
 *
 * <p>The access-token contract FedFHIR's own authorisation server issues (and an external issuer can
 * be mapped to): {@code iss}, {@code aud} (the resource server's base URL), {@code sub},
 * {@code client_id}, {@code scope} (space-separated), {@code fhirUser}, {@code patient} (launch
 * context) and {@code fedfhir_roles} (a JSON array of role codes).
 */
package org.fedfhir.access;
