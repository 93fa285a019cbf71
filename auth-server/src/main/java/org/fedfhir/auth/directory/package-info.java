/**
 * The authorisation server's directory: users (bcrypt password hashes, {@code fhirUser}, roles,
 * optional own patient) and clients (public and confidential SMART apps, backend-services clients
 * with inline public keys), read from and written to one JSON file; and a builder that generates
 * credentials for the demo. Depends on Jackson, Nimbus JOSE and Spring Security's password encoders
 * only, not on the running server.
 */
package org.fedfhir.auth.directory;
