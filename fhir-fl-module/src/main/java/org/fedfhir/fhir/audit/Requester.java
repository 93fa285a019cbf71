package org.fedfhir.fhir.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Identifier;

/**
 * Who made a request, as an {@code AuditEvent}'s requestor agent: the authenticated caller (its
 * {@code fhirUser}, or a backend client's id, as the agent's identifier), the client it came through, and the
 * network address the request came from.
 *
 * @param caller the authenticated caller, empty for a refused anonymous request
 * @param address the network address, if known
 */
public record Requester(Optional<Caller> caller, Optional<String> address) {

  /** The identifier system of a user's {@code fhirUser} in audit records. */
  public static final String FHIR_USER_SYSTEM = "http://fedfhir.org/fhir/NamingSystem/fhir-user";
  /** The identifier system of OAuth2 client ids in audit records. */
  public static final String CLIENT_ID_SYSTEM = "urn:ietf:params:oauth:client-id";

  /** The requester of a HAPI request (its caller as authenticated, its remote address). */
  public static Requester of(RequestDetails request) {
    return new Requester(Callers.of(request), Callers.address(request));
  }

  /** A requester without authentication (refused before its token was read). */
  public static Requester anonymous(String address) {
    return new Requester(Optional.empty(), Optional.ofNullable(address));
  }

  /** Fills {@code agent}: who, the client id as alternative id, the network address; requestor true. */
  public AuditEvent.AuditEventAgentComponent describe(AuditEvent.AuditEventAgentComponent agent) {
    agent.setRequestor(true);
    if (caller.isPresent()) {
      Caller c = caller.get();
      // an identifier, not a reference: the user's Practitioner lives in the EHR, not necessarily here
      agent.getWho().setIdentifier(new Identifier().setSystem(c.kind() == Caller.Kind.USER ? FHIR_USER_SYSTEM
          : CLIENT_ID_SYSTEM).setValue(c.subject())).setDisplay(c.display());
      agent.setAltId(c.clientId());
      c.roles().forEach(r -> agent.addRole().addCoding().setSystem("http://fedfhir.org/fhir/CodeSystem/role")
          .setCode(r.code()));
    } else {
      agent.getWho().setDisplay("anonymous (no valid access token)");
    }
    address.ifPresent(a -> agent.getNetwork().setAddress(a)
        .setType(AuditEvent.AuditEventAgentNetworkType._2));
    return agent;
  }

  /** A short text for logs and task notes: the caller's display or "anonymous". */
  public String display() {
    return caller.map(Caller::display).orElse("anonymous");
  }
}
