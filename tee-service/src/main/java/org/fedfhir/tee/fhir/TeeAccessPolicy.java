package org.fedfhir.tee.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.fedfhir.access.Role;

/**
 * Who may call the TEE model service, in one place: {@code $provision-model} only the aggregator,
 * {@code $predict} only sites (each prediction charged to the site's and the study's
 * {@link QueryBudgets}), {@code $attestation} sites and the aggregator, {@code $clean-room-submit}
 * only sites (each delivering its own rows: the site is the certificate's name),
 * {@code $clean-room-result} the aggregator and the sites that delivered rows for that study (a
 * receipt and a result sealed to the researcher either way), the CapabilityStatement
 * anyone holding a certificate of the network CA (and the definitions of its operations); everything
 * else is refused with 403 before HAPI routes it. Callers are parties of the network authenticated by
 * mutual TLS ({@link org.fedfhir.access.CallerAuthentication}, registered before this policy); their
 * role is their certificate's OU.
 */
@Interceptor
public final class TeeAccessPolicy {

  /** What the service answers at its base: the CapabilityStatement and its operations. */
  private static final Set<String> SURFACE = Set.of("metadata", TeeOperations.ATTESTATION,
      TeeOperations.PROVISION_MODEL, TeeOperations.PREDICT, TeeOperations.CLEAN_ROOM_SUBMIT,
      TeeOperations.CLEAN_ROOM_RESULT);

  private final QueryBudgets budgets;

  public TeeAccessPolicy(QueryBudgets budgets) {
    this.budgets = budgets;
  }

  /**
   * Refuses (403) every request outside the service's surface before HAPI parses or routes it, so a
   * caller learns nothing of the server from 404s and 400s. Only the path and method are read here
   * (mutual TLS has already admitted the connection); who may call what is {@link #authorise}'s.
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
  public boolean withinSurface(HttpServletRequest request) {
    String path = request.getPathInfo() == null ? "" : request.getPathInfo();
    String[] parts = path.startsWith("/") ? path.substring(1).split("/", -1) : path.split("/", -1);
    boolean surface = parts.length == 1 ? SURFACE.contains(parts[0])
        : parts.length == 2 && "OperationDefinition".equals(parts[0]) && !parts[1].isEmpty()
            && !parts[1].startsWith("$") && !parts[1].startsWith("_") && "GET".equals(request.getMethod());
    if (!surface) {
      throw new ForbiddenOperationException("the TEE model service answers only its CapabilityStatement ("
          + "metadata) and " + TeeOperations.ATTESTATION + ", " + TeeOperations.PROVISION_MODEL + ", "
          + TeeOperations.PREDICT + ", " + TeeOperations.CLEAN_ROOM_SUBMIT + " and " + TeeOperations.CLEAN_ROOM_RESULT
          + " at its base");
    }
    return true;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void authorise(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation == RestOperationTypeEnum.METADATA) {
      return;
    }
    Caller caller = Callers.require(request);
    if (operation == RestOperationTypeEnum.READ && "OperationDefinition".equals(request.getResourceName())
        && caller.kind() == Caller.Kind.NETWORK_PARTY) {
      return; // the definitions of its own operations, for any party of the network
    }
    String name = request.getOperation();
    if (!allows(caller, name)) {
      throw new ForbiddenOperationException(refusal(name));
    }
  }

  /**
   * Whether {@code caller} may call the operation {@code name}: the one rule for the FHIR operations
   * and the lean gRPC path (whose calls are {@link TeeOperations#PREDICT}).
   */
  public static boolean allows(Caller caller, String name) {
    return caller.kind() == Caller.Kind.NETWORK_PARTY && name != null && switch (name) {
      case TeeOperations.PROVISION_MODEL -> caller.hasRole(Role.AGGREGATOR);
      case TeeOperations.PREDICT -> caller.hasRole(Role.SITE);
      case TeeOperations.ATTESTATION, TeeOperations.CLEAN_ROOM_RESULT ->
          caller.hasRole(Role.SITE) || caller.hasRole(Role.AGGREGATOR);
      case TeeOperations.CLEAN_ROOM_SUBMIT -> caller.hasRole(Role.SITE);
      default -> false;
    };
  }

  /** Why a caller {@link #allows may not} call {@code name}. */
  public static String refusal(String name) {
    return name == null ? "the TEE model service answers only its operations"
        : name + " is not open to a caller of this role (" + TeeOperations.PROVISION_MODEL
            + ": the aggregator; " + TeeOperations.PREDICT + " and " + TeeOperations.CLEAN_ROOM_SUBMIT + ": sites; "
            + TeeOperations.CLEAN_ROOM_RESULT + ": the aggregator and the sites that delivered)";
  }

  /**
   * The site delivering clean-room rows: the caller's certificate name, so a site cannot deliver
   * rows as another (its rows are also sealed for its own name).
   */
  static String deliveringSite(RequestDetails request) {
    return Callers.require(request).subject();
  }

  /**
   * Refuses (403) a site asking for the result of a clean-room study it delivered no rows for; the
   * aggregator may ask for any (it relays the sealed result to the researcher).
   */
  static void authoriseResult(RequestDetails request, java.util.function.Predicate<String> deliveredBy) {
    Caller caller = Callers.require(request);
    if (!caller.hasRole(Role.AGGREGATOR) && !deliveredBy.test(caller.subject())) {
      throw new ForbiddenOperationException(TeeOperations.CLEAN_ROOM_RESULT
          + " of a study is open to the aggregator and the sites that delivered rows for it");
    }
  }

  /** Charges one prediction of {@code study} to the request's site (429 when a budget is spent). */
  void chargePrediction(RequestDetails request, String study) {
    budgets.charge(Callers.require(request).subject(), study);
  }
}
