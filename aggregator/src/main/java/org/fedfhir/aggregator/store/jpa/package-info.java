/**
 * The {@link org.fedfhir.aggregator.store.StudyStore} on Hibernate/JPA with Spring Data: H2 on disk
 * by default, PostgreSQL by JDBC URL. Entities are internal to this package; callers see only the
 * store's records. Models are content-addressed (primary key = SHA-256 of the weights) and written
 * in the same transaction as the completion of the round that produced them.
 */
package org.fedfhir.aggregator.store.jpa;
