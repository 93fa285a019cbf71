package org.fedfhir.fhir.inference;

import java.util.List;
import org.fedfhir.fhir.site.Approvals;
import org.hl7.fhir.r4.model.PlanDefinition;

/** The site's study definitions and their local approval (DAO-backed in {@code plugin}). */
public interface StudyCatalog extends Approvals {

  /** The PlanDefinitions with this canonical {@code url} and, if not null, {@code version}. */
  List<PlanDefinition> find(String url, String version);
}
