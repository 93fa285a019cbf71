package org.fedfhir.fhir.plugin;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Whether the caller of a request may read a resource by their own token and role, as their {@code GET}
 * of it would be decided: for what an operation reads on the caller's behalf with the server's rights
 * (batch {@code $infer} reads a ward list's Group and its members).
 */
@FunctionalInterface
public interface CallerReads {
  /** A server without access control: whoever may call the operation may read what it reads. */
  CallerReads ANYONE = (request, resource) -> true;

  boolean mayRead(RequestDetails request, IBaseResource resource);
}
