package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.fedfhir.aggregator.statistics.SecureStatsService;
import org.fedfhir.aggregator.statistics.StatisticsRunRefused;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;

/**
 * {@code POST [aggregator]/PlanDefinition/{id}/$secure-stats}: one release of a statistics study
 * across the sites that joined it (docs/federation.md, "Statistics studies over the network").
 * Answers the {@code Parameters} of {@code FederatedStatisticsResult}; nothing released → an
 * OperationOutcome: 404 unknown study, 422 not a statistics study or ε budget exhausted, 412 too
 * few sites or the round aborted, 409 a run in flight.
 */
public final class SecureStatsProvider {

  private final SecureStatsService service;
  private final java.util.function.Function<String, java.util.Optional<org.hl7.fhir.r4.model.PlanDefinition>> published;

  /** A provider for tests and servers without owners: every authorised caller receives the releases. */
  public SecureStatsProvider(SecureStatsService service) {
    this(service, null);
  }

  /**
   * @param published the published study by logical id: only its owner receives its releases
   *     ({@link RegistryAccessPolicy}); null for no owner check
   */
  public SecureStatsProvider(SecureStatsService service,
      java.util.function.Function<String, java.util.Optional<org.hl7.fhir.r4.model.PlanDefinition>> published) {
    this.service = service;
    this.published = published;
  }

  @Operation(name = "$secure-stats", typeName = "PlanDefinition", idempotent = false,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/secure-stats",
      returnParameters = @ca.uhn.fhir.rest.annotation.OperationParam(name = "return",
          type = org.hl7.fhir.r4.model.Parameters.class, min = 1, max = 1))
  public Parameters secureStats(@IdParam IdType id, ca.uhn.fhir.rest.api.server.RequestDetails request) {
    if (published != null) {
      published.apply(id.getIdPart()).ifPresent(pd ->
          RegistryAccessPolicy.requireOwner(pd, request, "receive its releases"));
    }
    try {
      return service.run(id.getIdPart());
    } catch (StatisticsRunRefused e) {
      throw status(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InternalErrorException("the aggregator is stopping; nothing was released");
    }
  }

  private static BaseServerResponseException status(StatisticsRunRefused e) {
    return switch (e.kind()) {
      case UNKNOWN_STUDY -> new ResourceNotFoundException(e.getMessage());
      case NOT_STATISTICS, BUDGET_EXHAUSTED -> new UnprocessableEntityException(e.getMessage());
      case TOO_FEW_SITES, ABORTED -> new PreconditionFailedException(e.getMessage());
      case BUSY -> new ResourceVersionConflictException(e.getMessage());
    };
  }
}
