/**
 * The network's public-key infrastructure for mutual TLS, as enrolment: each party makes its own key
 * and a PKCS#10 request in its own directory ({@link org.fedfhir.aggregator.pki.PartyDirectory},
 * {@code ./fedfhir pki request}); the network operator checks and signs the request with the CA it
 * keeps offline, its key encrypted under a passphrase ({@link org.fedfhir.aggregator.pki.CaDirectory},
 * {@code ./fedfhir pki sign}); revocation is a CA-signed CRL ({@code ./fedfhir pki revoke}). A party's
 * identity in the federation is its certificate's CN, its role the SAN URI
 * {@code urn:fedfhir:role:<role>} ({@link org.fedfhir.access.NetworkIdentity}).
 *
 * <p>Bouncy Castle throughout (EC P-256, SHA256withECDSA; the CA key as PKCS#8 AES-256-CBC with
 * PBKDF2-HMAC-SHA256). {@link org.fedfhir.aggregator.pki.PkiDirectory} lays out a whole network on
 * one machine for local use and tests; each party loads its material from files
 * ({@link org.fedfhir.aggregator.pki.TlsFiles}).
 */
package org.fedfhir.aggregator.pki;
