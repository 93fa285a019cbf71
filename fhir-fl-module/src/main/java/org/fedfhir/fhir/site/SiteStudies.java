package org.fedfhir.fhir.site;

import java.util.Optional;
import org.hl7.fhir.r4.model.PlanDefinition;

/** The studies installed at this site (DAO-backed in {@code plugin}). */
public interface SiteStudies {

  /** The current version of {@code PlanDefinition/{planDefinitionId}}, or empty if the site has none. */
  Optional<PlanDefinition> byId(String planDefinitionId);
}
