/**
 * A federated study as the hospital, the aggregator and the guide's checks read it: the FHIR {@code PlanDefinition} of
 * {@code docs/study-format.md} parsed into an immutable {@link org.fedfhir.study.StudyDefinition},
 * with every broken rule reported as a {@link org.fedfhir.study.StudyIssue} naming the element.
 * Plain objects: no server, no Spring.
 */
package org.fedfhir.study;
