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

  /** Who may run it, and receive which study's releases, is {@link RegistryAccessPolicy}'s to decide. */
  public SecureStatsProvider(SecureStatsService service) {
    this.service = service;
  }

  @Operation(name = "$secure-stats", typeName = "PlanDefinition", idempotent = false,
      canonicalUrl = "http://fedfhir.org/fhir/OperationDefinition/secure-stats",
      returnParameters = @ca.uhn.fhir.rest.annotation.OperationParam(name = "return",
          type = org.hl7.fhir.r4.model.Parameters.class, min = 1, max = 1))
  public Parameters secureStats(@IdParam IdType id) {
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
