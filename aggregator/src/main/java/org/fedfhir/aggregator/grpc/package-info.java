/**
 * The gRPC edge of the aggregator: the {@code Federation} service (one bidirectional session per
 * site, opened outbound by the site), mutual TLS on both ends with the network PKI, and the
 * interceptor that takes a site's identity from its client certificate into a {@link io.grpc.Context}
 * key. Refusals cross the wire as {@link io.grpc.Status} with a description; causes stay here.
 * The rounds themselves (Bonawitz et al., CCS 2017) are run by {@code round}.
 */
package org.fedfhir.aggregator.grpc;
