package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Optional;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.fedfhir.access.Role;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.StringType;

/**
 * Who may do what at the aggregator's FHIR endpoint, in one place: the CapabilityStatement is public;
 * reading a published study needs a researcher or a party of the network; publishing a study and
 * {@code $secure-stats} need the researcher role (a token's {@code fedfhir_roles} or a client
 * certificate with {@code OU=researcher}); and only a study's owner — whoever first published it —
 * may replace it or receive its releases. The owner is kept with the published definition (in its
 * {@code meta}, outside the definition digest), so a statistics study's owner survives a restart with
 * its kept definition; it never leaves the aggregator.
 */
@Interceptor
public final class RegistryAccessPolicy {

  /** Where the owner is kept in the stored PlanDefinition. */
  public static final String OWNER = "http://fedfhir.org/fhir/StructureDefinition/study-owner";

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void authorise(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    Caller caller = Callers.require(request);
    boolean researcher = caller.hasRole(Role.RESEARCHER);
    boolean reading = operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD;
    if (reading && (researcher || caller.kind() == Caller.Kind.NETWORK_PARTY)) {
      return;
    }
    if (!researcher) {
      throw new ForbiddenOperationException("the researcher role is required to publish studies and receive "
          + "their releases (a researcher's token or client certificate)");
    }
  }

  /** The owner identity of a caller: how it authenticated and who it is, so a token and a certificate never collide. */
  static String ownerId(Caller caller) {
    return (caller.kind() == Caller.Kind.NETWORK_PARTY ? "certificate:" : "token:") + caller.subject();
  }

  /** The owner kept with a published study, if any. */
  static Optional<String> owner(PlanDefinition published) {
    return Optional.ofNullable(published.getMeta().getExtensionByUrl(OWNER))
        .map(e -> e.getValue().primitiveValue());
  }

  /** Records the caller as the owner of the copy to be stored. */
  static void own(PlanDefinition stored, RequestDetails request) {
    stored.getMeta().getExtension().removeIf(e -> OWNER.equals(e.getUrl()));
    stored.getMeta().addExtension(OWNER, new StringType(ownerId(Callers.require(request))));
  }

  /**
   * Refuses the request unless its caller owns {@code published}.
   *
   * @throws ForbiddenOperationException naming what is refused, not who owns it
   */
  static void requireOwner(PlanDefinition published, RequestDetails request, String what) {
    String caller = ownerId(Callers.require(request));
    if (!owner(published).map(caller::equals).orElse(false)) {
      throw new ForbiddenOperationException("only the researcher who published this study may " + what);
    }
  }

  /** The study as others see it: without its owner. */
  static PlanDefinition withoutOwner(PlanDefinition published) {
    PlanDefinition copy = published.copy();
    copy.getMeta().getExtension().removeIf(e -> OWNER.equals(e.getUrl()));
    return copy;
  }
}
