/**
 * The FedFHIR implementation guide on the classpath: the resources SUSHI compiled from {@code ig/input/fsh}
 * (profiles, extensions, terminology, OperationDefinitions, CapabilityStatements, examples), a HAPI FHIR
 * validator set up with them ({@link org.fedfhir.ig.FedFhirIg}), and a comparison of a server's
 * OperationDefinitions with the guide's ({@link org.fedfhir.ig.OperationDefinitionComparison}).
 */
package org.fedfhir.ig;
