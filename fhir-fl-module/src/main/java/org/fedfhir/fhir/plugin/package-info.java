/**
 * The HAPI FHIR plugin: thin operation providers ({@code $train}, {@code $secure-stats},
 * {@code $clean-room}, {@code $infer}) and their Spring configuration ({@link org.fedfhir.fhir.plugin.FedFhirPluginConfig})
 * for any HAPI FHIR JPA server (R4), plus the DAO-backed adapters of the domain's ports
 * ({@link org.fedfhir.fhir.plugin.DaoSiteStore}, {@link org.fedfhir.fhir.plugin.DaoClinicalDataSource},
 * {@link org.fedfhir.fhir.plugin.DaoInferenceRecords}). Domain work is delegated to {@code site},
 * {@code inference}, {@code study}, {@code cohort}, {@code training} and {@code audit}.
 */
package org.fedfhir.fhir.plugin;
