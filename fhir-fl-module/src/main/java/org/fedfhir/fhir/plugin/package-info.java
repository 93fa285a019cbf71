/**
 * The HAPI FHIR plugin: thin operation providers ({@code $train}) and their Spring configuration
 * ({@link org.fedfhir.fhir.plugin.FedFhirPluginConfig}) for any HAPI FHIR JPA server (R4), plus the
 * DAO-backed data source. Domain work is delegated to {@code study}, {@code cohort},
 * {@code training} and {@code audit}.
 */
package org.fedfhir.fhir.plugin;
