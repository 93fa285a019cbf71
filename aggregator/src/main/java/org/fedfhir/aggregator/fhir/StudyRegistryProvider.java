package org.fedfhir.aggregator.fhir;

import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fedfhir.aggregator.statistics.StatisticsStudies;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.ig.FedFhirIg;
import org.fedfhir.ig.StudyDigest;
import org.fedfhir.study.InvalidStudyException;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.fedfhir.study.StudyReader;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * {@code PUT [aggregator]/PlanDefinition/{id}} publishes a study; {@code GET} reads it back. A study
 * is validated against the guide's {@code FederatedStudy} (errors → 422 with the validator's
 * issues) and parsed by the sites' own {@link StudyParser} (errors → 422 with its issues), registered by canonical URL and version with its definition digest, and can then be
 * joined by sites holding the same definition. Publishing another definition under a URL and
 * version already published is refused (409): a study is immutable once sites may have joined it.
 * A statistics study's definition is also kept in the database ({@link StatisticsStudies#publish})
 * and published again when the aggregator restarts; other studies' definitions are held in memory
 * only (their rounds and models are in the study store, their PlanDefinition must be put again).
 * {@code DELETE [aggregator]/PlanDefinition/{id}} retires a study: it is no longer served, runs no
 * more rounds (from the next round or join on) and releases nothing more; a retired study's URL and
 * version cannot be published again. Who may do which is {@link RegistryAccessPolicy}'s to decide;
 * publishing records the caller as the study's owner in the study store.
 */
public final class StudyRegistryProvider implements IResourceProvider {

  private final java.util.concurrent.Future<FedFhirIg> guide;
  private final StudyStore store;
  private final Map<String, PlanDefinition> published = new ConcurrentHashMap<>();
  private final StatisticsStudies statistics;

  /** @param guide the implementation guide, possibly still loading */
  public StudyRegistryProvider(java.util.concurrent.Future<FedFhirIg> guide, StudyStore store) {
    this(guide, store, null);
  }

  /**
   * @param statistics where statistics studies (study kind {@code statistics}) are registered for
   *     {@code $secure-stats}; null: such studies are published like any other
   */
  public StudyRegistryProvider(java.util.concurrent.Future<FedFhirIg> guide, StudyStore store,
      StatisticsStudies statistics) {
    this.guide = guide;
    this.store = store;
    this.statistics = statistics;
    if (statistics != null) {
      published.putAll(statistics.recovered()); // statistics studies published before a restart
    }
  }

  /** The published PlanDefinition with this logical id. */
  public Optional<PlanDefinition> published(String id) {
    return Optional.ofNullable(published.get(id));
  }

  private FedFhirIg ig() {
    try {
      return guide.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ca.uhn.fhir.rest.server.exceptions.InternalErrorException("interrupted while loading the guide");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new ca.uhn.fhir.rest.server.exceptions.InternalErrorException(
          "the implementation guide could not be loaded: " + e.getCause().getMessage());
    }
  }

  @Override
  public Class<? extends IBaseResource> getResourceType() {
    return PlanDefinition.class;
  }

  @Update
  public synchronized MethodOutcome publish(@IdParam IdType id, @ResourceParam PlanDefinition study,
      ca.uhn.fhir.rest.api.server.RequestDetails request) {
    FedFhirIg ig = ig();
    OperationOutcome validation = ig.validateStudy(study);
    if (FedFhirIg.hasErrors(validation)) {
      throw new UnprocessableEntityException(ig.fhirContext(), validation);
    }
    String digest = StudyDigest.sha256Hex(ig.fhirContext(), study);
    StudyDefinition parsed;
    try {
      parsed = new StudyParser().parse(study);
    } catch (InvalidStudyException e) {
      throw new UnprocessableEntityException(ig.fhirContext(), StudyReader.toOperationOutcome(e.issues()));
    }
    StudyPlan plan = StudyPlans.from(parsed, digest);
    StatisticsDeclarations.Study declared = null;
    if (parsed instanceof StudyDefinition.Statistics statisticsStudy) {
      declared = statisticsStudy.declarations();
      plan = StatisticsStudies.plan(plan, declared);
    }
    Optional<StudyPlan> existing = store.study(plan.ref());
    boolean created = existing.isEmpty();
    if (store.status(plan.ref()).orElse(StudyStatus.ACTIVE) == StudyStatus.STOPPED) {
      throw new ResourceVersionConflictException("study " + plan.ref() + " was retired or stopped; publish a new "
          + "version");
    }
    if (existing.isPresent() && !existing.get().definitionDigest().equals(digest)) {
      throw new ResourceVersionConflictException("study " + plan.ref() + " is already published with another "
          + "definition (SHA-256 " + existing.get().definitionDigest().substring(0, 12) + "…); publish a new version");
    }
    if (created) {
      store.registerStudy(plan);
    }
    RegistryAccessPolicy.claim(store, plan.ref(), request);
    org.fedfhir.aggregator.store.ModelSpec spec = ModelSpecs.from(parsed);
    if (spec != null) {
      store.recordModelSpec(plan.ref(), spec); // for provisioning the final model to a TEE
    }
    PlanDefinition stored = study.copy();
    stored.setId(new IdType("PlanDefinition", id.getIdPart()));
    if (declared != null && statistics != null) {
      statistics.publish(id.getIdPart(), plan, declared, stored);
    } else if (statistics != null) {
      statistics.unpublish(id.getIdPart());
    }
    published.put(id.getIdPart(), stored);
    MethodOutcome outcome = new MethodOutcome(stored.getIdElement(), created);
    outcome.setResource(RegistryAccessPolicy.withoutOwner(stored));
    return outcome;
  }

  /**
   * Retires the study published under {@code id}: an active study is stopped (no more rounds; sites
   * are told the study ended when they next join or a round would start), a statistics study's
   * releases end, and the definition is no longer served nor published again at a restart.
   */
  @Delete
  public synchronized MethodOutcome retire(@IdParam IdType id) {
    PlanDefinition current = published.get(id.getIdPart());
    if (current == null) {
      throw new ResourceNotFoundException(id);
    }
    StudyRef ref = RegistryAccessPolicy.ref(current)
        .orElseThrow(() -> new ca.uhn.fhir.rest.server.exceptions.InternalErrorException("a published study "
            + "without URL and version"));
    if (store.status(ref).orElse(StudyStatus.ACTIVE) == StudyStatus.ACTIVE) {
      store.setStatus(ref, StudyStatus.STOPPED);
    }
    if (statistics != null) {
      statistics.unpublish(id.getIdPart());
    }
    published.remove(id.getIdPart());
    OperationOutcome retired = new OperationOutcome();
    retired.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
        .setCode(OperationOutcome.IssueType.INFORMATIONAL)
        .setDiagnostics("study " + ref + " retired: no more rounds or releases");
    return new MethodOutcome(new IdType("PlanDefinition", id.getIdPart())).setOperationOutcome(retired);
  }

  @Read
  public PlanDefinition read(@IdParam IdType id) {
    PlanDefinition study = published.get(id.getIdPart());
    if (study == null) {
      throw new ResourceNotFoundException(id);
    }
    return RegistryAccessPolicy.withoutOwner(study);
  }
}
