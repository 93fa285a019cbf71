/**
 * The {@link org.fedfhir.aggregator.store.StudyStore} and the statistics studies'
 * {@link org.fedfhir.aggregator.statistics.ReleaseStore} on Hibernate/JPA with Spring Data: H2 on
 * disk by default, PostgreSQL by JDBC URL. Entities are internal to this package; callers see only
 * the stores' records. Models are content-addressed (primary key = SHA-256 of the weights) and
 * written in the same transaction as the completion of the round that produced them; a statistics
 * release is written in the same transaction as the ε charges it spent.
 */
package org.fedfhir.aggregator.store.jpa;
