/**
 * Who may do what at a hospital's FHIR server: the server is an OAuth2 resource server (Spring
 * Security, JWT access tokens of a configured issuer — FedFHIR's own SMART authorisation server by
 * default), and {@link org.fedfhir.fhir.access.SmartRules} turns each request's token (SMART scopes,
 * roles, patient context) into HAPI {@code AuthorizationInterceptor} rules, the one place where
 * interactions and operations are authorised. Refusals are {@code OperationOutcome}s and are audited
 * ({@link org.fedfhir.fhir.access.AccessAudit}).
 */
package org.fedfhir.fhir.access;
