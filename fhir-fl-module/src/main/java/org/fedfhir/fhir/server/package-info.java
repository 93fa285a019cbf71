/**
 * The runnable hospital server: HAPI FHIR JPA 8.8.0 (R4) on Spring Boot with the FedFHIR plugin;
 * H2 on disk by default, PostgreSQL by JDBC URL ({@link org.fedfhir.fhir.server.HospitalServer}).
 */
package org.fedfhir.fhir.server;
