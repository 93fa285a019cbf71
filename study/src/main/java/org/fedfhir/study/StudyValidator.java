package org.fedfhir.study;

import java.util.List;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * Checks a study PlanDefinition. {@link StudyParser} is the rule-based implementation the parser
 * relies on; an IG-profile validator (HAPI {@code FhirValidator} with the {@code FederatedStudy}
 * profile from the {@code ig} module) can be added beside it in {@link StudyReader}.
 */
public interface StudyValidator {
  /** Every problem found; empty if the definition is acceptable to this validator. */
  List<StudyIssue> validate(PlanDefinition planDefinition);
}
