package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Optional;
import java.util.function.Function;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.fedfhir.access.Role;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStore;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * Who may do what at the aggregator's FHIR endpoint, decided here and nowhere else (callers are
 * authenticated before, by {@code CallerAuthentication}):
 *
 * <ul>
 *   <li>the CapabilityStatement is public;
 *   <li>reading a published study: a researcher or any party of the network (sites need it); the
 *       operations' definitions the CapabilityStatement links to: any authenticated caller;
 *   <li>publishing a study ({@code PUT PlanDefinition/{id}}), retiring it ({@code DELETE}),
 *       {@code $secure-stats} and {@code $clean-room-result}: the researcher role (a token's roles claim or a client certificate
 *       with {@code OU=researcher});
 *   <li>replacing or retiring a study, or receiving its releases (and with them what its ε ledger has
 *       left): only the study's owner, the caller who first published it;
 *   <li>anything else: refused.
 * </ul>
 *
 * <p>The owner is kept in the study store with the study (its canonical URL and version), so it
 * survives a restart; it never leaves the aggregator and refusals do not name it. An owner is the
 * caller's {@linkplain #ownerId identity including how it authenticated}: {@code certificate:CN}
 * for a client certificate of the network CA, {@code token:ISSUER#SUBJECT} for an access token (the
 * subject being the token's {@code fhirUser}, else its {@code sub}). A certificate's name and a
 * token's subject therefore never collide, nor do two issuers' subjects; the same person signing in
 * once with a certificate and once with a token is two callers.
 */
@Interceptor
public final class RegistryAccessPolicy {

  /** Where owners were once kept in a published PlanDefinition's meta; such entries are never served. */
  static final String LEGACY_OWNER = "http://fedfhir.org/fhir/StructureDefinition/study-owner";

  private final StudyStore store;
  private final Function<String, Optional<PlanDefinition>> published;

  /**
   * @param store where each study's owner is kept
   * @param published the study published under a logical id
   */
  public RegistryAccessPolicy(StudyStore store, Function<String, Optional<PlanDefinition>> published) {
    this.store = store;
    this.published = published;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void authorise(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    Caller caller = Callers.require(request);
    boolean researcher = caller.hasRole(Role.RESEARCHER);
    switch (operation) {
      case READ, VREAD -> {
        if ("OperationDefinition".equals(request.getResourceName())) {
          return; // the operations' definitions, linked from the CapabilityStatement: any authenticated caller
        }
        if (!researcher && caller.kind() != Caller.Kind.NETWORK_PARTY) {
          throw new ForbiddenOperationException("the researcher role is required to read a published study (or a "
              + "certificate of the network)");
        }
      }
      case UPDATE -> {
        requireResearcher(researcher);
        publishedRef(request).ifPresent(ref -> requireOwner(ref, request, "replace it", true));
        bodyRef(request.getResource()).ifPresent(ref -> requireOwner(ref, request, "publish it again", true));
      }
      case DELETE -> {
        requireResearcher(researcher);
        publishedRef(request).ifPresent(ref -> requireOwner(ref, request, "retire it", false));
      }
      case EXTENDED_OPERATION_INSTANCE -> {
        requireResearcher(researcher);
        if (!"$secure-stats".equals(request.getOperation()) && !"$clean-room-result".equals(request.getOperation())) {
          throw new ForbiddenOperationException("operation " + request.getOperation() + " is not offered");
        }
        publishedRef(request).ifPresent(ref -> requireOwner(ref, request, "receive its releases", false));
      }
      default -> throw new ForbiddenOperationException("this interaction is not offered by the study registry");
    }
  }

  private static void requireResearcher(boolean researcher) {
    if (!researcher) {
      throw new ForbiddenOperationException("the researcher role is required to publish or retire studies and "
          + "receive their releases (a researcher's token or client certificate)");
    }
  }

  private Optional<StudyRef> publishedRef(RequestDetails request) {
    if (request.getId() == null || !request.getId().hasIdPart()) {
      return Optional.empty();
    }
    return published.apply(request.getId().getIdPart()).flatMap(RegistryAccessPolicy::ref);
  }

  private static Optional<StudyRef> bodyRef(IBaseResource body) {
    return body instanceof PlanDefinition pd ? ref(pd) : Optional.empty();
  }

  /** The study a PlanDefinition defines, if it names one (one without is refused by validation). */
  static Optional<StudyRef> ref(PlanDefinition pd) {
    if (!pd.hasUrl() || !pd.hasVersion()) {
      return Optional.empty();
    }
    return Optional.of(new StudyRef(pd.getUrl(), pd.getVersion()));
  }

  /**
   * Refuses the request unless its caller owns the study. A study nobody owns (registered before
   * owners were kept) may be claimed by publishing it ({@code claimable}), nothing else.
   *
   * @throws ForbiddenOperationException naming what is refused, not who owns it
   */
  private void requireOwner(StudyRef ref, RequestDetails request, String what, boolean claimable) {
    Optional<String> owner = store.owner(ref);
    if (owner.isEmpty() && claimable) {
      return;
    }
    if (!owner.map(ownerId(request)::equals).orElse(false)) {
      throw new ForbiddenOperationException("only the researcher who published this study may " + what);
    }
  }

  /**
   * Makes the request's caller the owner of a study it has just published, unless the study has one;
   * called by the registry inside its publishing lock.
   *
   * @throws ForbiddenOperationException if another caller owns the study
   */
  static void claim(StudyStore store, StudyRef ref, RequestDetails request) {
    String caller = ownerId(request);
    if (!store.claimOwner(ref, caller).equals(caller)) {
      throw new ForbiddenOperationException("only the researcher who published this study may publish it again");
    }
  }

  /** The owner identity of the request's caller: how it authenticated and who it is (see the class comment). */
  static String ownerId(RequestDetails request) {
    Caller caller = Callers.require(request);
    if (caller.kind() == Caller.Kind.NETWORK_PARTY) {
      return "certificate:" + caller.subject();
    }
    String issuer = Callers.issuer(request)
        .orElseThrow(() -> new ForbiddenOperationException("the caller's token issuer is unknown"));
    return "token:" + issuer + "#" + caller.subject();
  }

  /** The study as it is served: without anything an older aggregator kept about its owner. */
  static PlanDefinition withoutOwner(PlanDefinition published) {
    PlanDefinition copy = published.copy();
    copy.getMeta().getExtension().removeIf(e -> LEGACY_OWNER.equals(e.getUrl()));
    return copy;
  }
}
