/**
 * Spring Boot wiring of the aggregator service ({@code ./fedfhir aggregator}): the JPA store, the
 * study coordinators with restart recovery, stage deadlines, and the mutual-TLS gRPC server. Domain
 * packages ({@code round}, {@code strategy}, {@code store}) do not depend on Spring.
 */
package org.fedfhir.aggregator.config;
