package org.fedfhir.tee.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.fedfhir.access.Caller;
import org.fedfhir.access.Callers;
import org.fedfhir.access.Role;

/**
 * Who may call the TEE model service, in one place: {@code $provision-model} only the aggregator,
 * {@code $predict} only sites (each prediction charged to the site's and the study's
 * {@link QueryBudgets}), {@code $attestation} sites and the aggregator, the CapabilityStatement
 * anyone holding a certificate of the network CA; everything else is refused. Callers are parties of
 * the network authenticated by mutual TLS; their role is their certificate's OU.
 */
@Interceptor
public final class TeeAccessPolicy {

  private final QueryBudgets budgets;

  public TeeAccessPolicy(QueryBudgets budgets) {
    this.budgets = budgets;
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
    boolean allowed = caller.kind() == Caller.Kind.NETWORK_PARTY && name != null && switch (name) {
      case TeeOperations.PROVISION_MODEL -> caller.hasRole(Role.AGGREGATOR);
      case TeeOperations.PREDICT -> caller.hasRole(Role.SITE);
      case TeeOperations.ATTESTATION -> caller.hasRole(Role.SITE) || caller.hasRole(Role.AGGREGATOR);
      default -> false;
    };
    if (!allowed) {
      throw new ForbiddenOperationException(name == null ? "the TEE model service answers only its operations"
          : name + " is not open to a caller of this role (" + TeeOperations.PROVISION_MODEL
              + ": the aggregator; " + TeeOperations.PREDICT + ": sites)");
    }
  }

  /** Charges one prediction of {@code study} to the request's site (429 when a budget is spent). */
  void chargePrediction(RequestDetails request, String study) {
    budgets.charge(Callers.require(request).subject(), study);
  }
}
