package org.fedfhir.aggregator.store.jpa;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fedfhir.aggregator.store.RoundHistory;
import org.fedfhir.aggregator.store.RoundRecord;
import org.fedfhir.aggregator.store.RoundState;
import org.fedfhir.aggregator.store.StoreException;
import org.fedfhir.aggregator.store.StoredModel;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.store.StudyRef;
import org.fedfhir.aggregator.store.StudyStatus;
import org.fedfhir.aggregator.store.StudyStore;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@link StudyStore} on JPA. Each method is one transaction; {@link #completeRound} writes the
 * model row, the round's completion and its metrics together or not at all.
 */
@Transactional(isolation = Isolation.SERIALIZABLE)
public class JpaStudyStore implements StudyStore {

  private final Repositories.Studies studies;
  private final Repositories.Sites sites;
  private final Repositories.Rounds rounds;
  private final Repositories.Models models;
  private final Repositories.Metrics metrics;
  private final Repositories.ModelSpecs specs;
  private final Repositories.Provisionings provisionings;

  JpaStudyStore(Repositories.Studies studies, Repositories.Sites sites, Repositories.Rounds rounds,
      Repositories.Models models, Repositories.Metrics metrics, Repositories.ModelSpecs specs,
      Repositories.Provisionings provisionings) {
    this.specs = specs;
    this.provisionings = provisionings;
    this.studies = studies;
    this.sites = sites;
    this.rounds = rounds;
    this.models = models;
    this.metrics = metrics;
  }

  @Override
  public void registerStudy(StudyPlan plan) {
    Optional<StudyEntity> existing = find(plan.ref());
    if (existing.isPresent()) {
      if (!existing.get().toPlan().equals(plan)) {
        throw new StoreException("study " + plan.ref() + " is registered with another definition");
      }
      return;
    }
    studies.save(new StudyEntity(plan));
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<StudyPlan> study(StudyRef ref) {
    return find(ref).map(StudyEntity::toPlan);
  }

  @Override
  @Transactional(readOnly = true)
  public List<StudyPlan> studies(StudyStatus status) {
    return studies.findByStatusOrderById(status).stream().map(StudyEntity::toPlan).toList();
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<StudyStatus> status(StudyRef ref) {
    return find(ref).map(s -> s.status);
  }

  @Override
  public void setStatus(StudyRef ref, StudyStatus status) {
    require(ref).status = status;
  }

  @Override
  public String claimOwner(StudyRef ref, String owner) {
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("an owner is required");
    }
    StudyEntity s = require(ref);
    if (s.owner == null) {
      s.owner = owner;
    }
    return s.owner;
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<String> owner(StudyRef ref) {
    return find(ref).map(s -> s.owner);
  }

  @Override
  public void recordSiteJoined(StudyRef ref, String siteName, Instant at) {
    StudyEntity s = require(ref);
    sites.findByStudyIdAndName(s.id, siteName).ifPresentOrElse(
        site -> site.lastJoined = at,
        () -> sites.save(new SiteEntity(s.id, siteName, at)));
  }

  @Override
  @Transactional(readOnly = true)
  public List<String> sites(StudyRef ref) {
    return find(ref).map(s -> sites.findByStudyIdOrderById(s.id).stream().map(e -> e.name).toList())
        .orElse(List.of());
  }

  @Override
  public RoundRecord beginRound(StudyRef ref, int number, List<String> participants, Instant at) {
    StudyEntity s = require(ref);
    List<RoundEntity> history = rounds.findByStudyIdOrderById(s.id);
    List<RoundRecord> records = history.stream().map(r -> r.toRecord(ref)).toList();
    RoundHistory.requireCanBegin(ref, records, number);
    int attempt = (int) history.stream().filter(r -> r.number == number).count() + 1;
    return rounds.save(new RoundEntity(s.id, number, attempt, participants, at)).toRecord(ref);
  }

  @Override
  public RoundRecord completeRound(StudyRef ref, int number, List<String> dropouts,
      ModelVector model, byte[] strategyState, Map<String, Double> roundMetrics, Instant at) {
    StudyEntity s = require(ref);
    // The model and metrics are written first; if the round turns out not to be in flight the
    // exception rolls all of it back, so the model is stored exactly when the round completes.
    String digest = model.digest();
    if (!models.existsById(digest)) {
      models.saveAndFlush(new ModelEntity(digest, model.canonicalBytes(), at));
    }
    for (Map.Entry<String, Double> m : new TreeMap<>(roundMetrics).entrySet()) {
      metrics.save(new MetricEntity(s.id, number, m.getKey(), m.getValue()));
    }
    RoundEntity r = inFlight(s, ref, number);
    r.state = RoundState.COMPLETED;
    r.dropouts = String.join(",", dropouts);
    r.endedAt = at;
    r.modelDigest = digest;
    r.strategyState = strategyState.clone();
    return r.toRecord(ref);
  }

  @Override
  public RoundRecord abortRound(StudyRef ref, int number, List<String> dropouts, String reason,
      Instant at) {
    StudyEntity s = require(ref);
    RoundEntity r = inFlight(s, ref, number);
    abort(r, reason, at);
    r.dropouts = String.join(",", dropouts);
    return r.toRecord(ref);
  }

  private static void abort(RoundEntity r, String reason, Instant at) {
    r.state = RoundState.ABORTED;
    r.endedAt = at;
    r.abortReason = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
  }

  private RoundEntity inFlight(StudyEntity s, StudyRef ref, int number) {
    return rounds.findByStudyIdOrderById(s.id).stream()
        .filter(r -> r.number == number && r.state == RoundState.IN_FLIGHT)
        .findFirst()
        .orElseThrow(() -> new StoreException("round " + number + " of " + ref + " is not in flight"));
  }

  @Override
  @Transactional(readOnly = true)
  public List<RoundRecord> rounds(StudyRef ref) {
    return find(ref).map(s -> rounds.findByStudyIdOrderById(s.id).stream()
        .map(r -> r.toRecord(ref)).toList()).orElse(List.of());
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<StoredModel> latestModel(StudyRef ref) {
    Optional<StudyEntity> s = find(ref);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    RoundEntity last = null;
    for (RoundEntity r : rounds.findByStudyIdOrderById(s.get().id)) {
      if (r.state == RoundState.COMPLETED && (last == null || r.number > last.number)) {
        last = r;
      }
    }
    if (last == null) {
      return Optional.empty();
    }
    RoundEntity round = last;
    ModelEntity m = models.findById(round.modelDigest).orElseThrow(() -> new StoreException(
        "model " + round.modelDigest + " of round " + round.number + " of " + ref + " is missing"));
    return Optional.of(new StoredModel(ref, round.number, ModelVector.fromCanonicalBytes(m.weights),
        round.strategyState == null ? new byte[0] : round.strategyState));
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<ModelVector> model(String digest) {
    return models.findById(digest).map(m -> ModelVector.fromCanonicalBytes(m.weights));
  }

  @Override
  @Transactional(readOnly = true)
  public Map<String, Double> metrics(StudyRef ref, int round) {
    return find(ref).map(s -> {
      Map<String, Double> out = new TreeMap<>();
      metrics.findByStudyIdAndRound(s.id, round).forEach(m -> out.put(m.name, m.value));
      return Map.copyOf(out);
    }).orElse(Map.of());
  }

  @Override
  public List<RoundRecord> abortAllInFlight(String reason, Instant at) {
    List<RoundRecord> out = new ArrayList<>();
    for (RoundEntity r : rounds.findByState(RoundState.IN_FLIGHT)) {
      abort(r, reason, at);
      StudyEntity s = studies.findById(r.studyId).orElseThrow();
      out.add(r.toRecord(new StudyRef(s.url, s.version)));
    }
    return out;
  }

  private Optional<StudyEntity> find(StudyRef ref) {
    return studies.findByUrlAndVersion(ref.url(), ref.version());
  }

  private StudyEntity require(StudyRef ref) {
    return find(ref).orElseThrow(() -> new StoreException("study " + ref + " is not registered"));
  }

  @Override
  public void recordModelSpec(StudyRef ref, org.fedfhir.aggregator.store.ModelSpec spec) {
    StudyEntity s = require(ref);
    Optional<ModelSpecEntity> existing = specs.findById(s.id);
    if (existing.isPresent()) {
      if (!existing.get().toSpec().equals(spec)) {
        throw new StoreException("study " + ref + " has another model spec");
      }
      return;
    }
    specs.save(new ModelSpecEntity(s.id, spec));
  }

  @Override
  @Transactional(readOnly = true)
  public Optional<org.fedfhir.aggregator.store.ModelSpec> modelSpec(StudyRef ref) {
    return find(ref).flatMap(s -> specs.findById(s.id)).map(ModelSpecEntity::toSpec);
  }

  @Override
  public void recordProvisioning(org.fedfhir.aggregator.store.ModelProvisioning provisioning) {
    StudyEntity s = require(provisioning.study());
    provisionings.save(new ProvisioningEntity(s.id, provisioning));
  }

  @Override
  @Transactional(readOnly = true)
  public List<org.fedfhir.aggregator.store.ModelProvisioning> provisionings(StudyRef ref) {
    return find(ref).map(s -> provisionings.findByStudyIdOrderById(s.id).stream().map(p -> p.toRecord(ref)).toList())
        .orElse(List.of());
  }
}
