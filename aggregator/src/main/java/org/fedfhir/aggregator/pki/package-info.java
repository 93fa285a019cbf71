/**
 * The network's public-key infrastructure for mutual TLS: a network certificate authority, one
 * certificate per party (the aggregator and each hospital), PEM files on disk, and certificate-path
 * validation. A party's identity in the federation is the common name (CN) of its certificate.
 *
 * <p>{@code ./fedfhir pki init} makes everything for local use with Bouncy Castle (EC P-256,
 * SHA256withECDSA); in production each party loads its key, certificate and the network CA from
 * files it was given ({@link org.fedfhir.aggregator.pki.TlsFiles}).
 */
package org.fedfhir.aggregator.pki;
