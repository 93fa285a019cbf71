/**
 * Test support shared by the modules' tests and the benchmarks: {@link org.fedfhir.testing.ThrowawayPostgres}
 * (a PostgreSQL server started from the machine's binaries, one per JVM) and
 * {@link org.fedfhir.testing.TestDatabase} (the databases, H2 and PostgreSQL, that the persistence and
 * restart tests are parameterised over). Not part of any server.
 */
package org.fedfhir.testing;
