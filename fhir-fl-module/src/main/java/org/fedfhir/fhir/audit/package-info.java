/** {@code AuditEvent}s for FedFHIR runs: who ran what on which study, never which patient. */
package org.fedfhir.fhir.audit;
