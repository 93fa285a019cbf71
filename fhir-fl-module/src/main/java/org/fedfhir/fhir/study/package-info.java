/**
 * A federated study as the hospital reads it: the FHIR {@code PlanDefinition} of
 * {@code docs/study-format.md} parsed into an immutable {@link org.fedfhir.fhir.study.StudyDefinition},
 * with every broken rule reported as a {@link org.fedfhir.fhir.study.StudyIssue} naming the element.
 * Plain objects: no server, no Spring.
 */
package org.fedfhir.fhir.study;
