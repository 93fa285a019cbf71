package org.fedfhir.aggregator.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fedfhir.aggregator.strategy.ModelVector;

/** A {@link StudyStore} in memory, for tests and for trying the aggregator without a database. */
public final class InMemoryStudyStore implements StudyStore {

  private final Map<StudyRef, StudyPlan> plans = new LinkedHashMap<>();
  private final Map<StudyRef, StudyStatus> statuses = new HashMap<>();
  private final Map<StudyRef, String> owners = new HashMap<>();
  private final Map<StudyRef, Set<String>> sites = new HashMap<>();
  private final Map<StudyRef, List<RoundRecord>> rounds = new HashMap<>();
  private final Map<String, ModelVector> models = new HashMap<>();
  private final Map<StudyRef, StoredModel> latest = new HashMap<>();
  private final Map<StudyRef, Map<Integer, Map<String, Double>>> metrics = new HashMap<>();
  private final Map<StudyRef, ModelSpec> specs = new HashMap<>();
  private final Map<StudyRef, List<ModelProvisioning>> provisionings = new HashMap<>();

  @Override
  public synchronized void registerStudy(StudyPlan plan) {
    StudyPlan existing = plans.get(plan.ref());
    if (existing != null) {
      if (!existing.equals(plan)) {
        throw new StoreException("study " + plan.ref() + " is registered with another definition");
      }
      return;
    }
    plans.put(plan.ref(), plan);
    statuses.put(plan.ref(), StudyStatus.ACTIVE);
  }

  @Override
  public synchronized Optional<StudyPlan> study(StudyRef ref) {
    return Optional.ofNullable(plans.get(ref));
  }

  @Override
  public synchronized List<StudyPlan> studies(StudyStatus status) {
    return plans.values().stream().filter(p -> statuses.get(p.ref()) == status).toList();
  }

  @Override
  public synchronized Optional<StudyStatus> status(StudyRef ref) {
    return Optional.ofNullable(statuses.get(ref));
  }

  @Override
  public synchronized void setStatus(StudyRef ref, StudyStatus status) {
    requireStudy(ref);
    statuses.put(ref, status);
  }

  @Override
  public synchronized String claimOwner(StudyRef ref, String owner) {
    requireStudy(ref);
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("an owner is required");
    }
    return owners.computeIfAbsent(ref, r -> owner);
  }

  @Override
  public synchronized Optional<String> owner(StudyRef ref) {
    return Optional.ofNullable(owners.get(ref));
  }

  @Override
  public synchronized void recordSiteJoined(StudyRef ref, String siteName, Instant at) {
    requireStudy(ref);
    sites.computeIfAbsent(ref, r -> new LinkedHashSet<>()).add(siteName);
  }

  @Override
  public synchronized List<String> sites(StudyRef ref) {
    return List.copyOf(sites.getOrDefault(ref, Set.of()));
  }

  @Override
  public synchronized RoundRecord beginRound(StudyRef ref, int number, List<String> participants,
      Instant at) {
    requireStudy(ref);
    List<RoundRecord> list = rounds.computeIfAbsent(ref, r -> new ArrayList<>());
    RoundHistory.requireCanBegin(ref, list, number);
    int attempt = (int) list.stream().filter(r -> r.number() == number).count() + 1;
    RoundRecord r = new RoundRecord(ref, number, attempt, RoundState.IN_FLIGHT, participants,
        List.of(), at, null, null, null);
    list.add(r);
    return r;
  }

  @Override
  public synchronized RoundRecord completeRound(StudyRef ref, int number, List<String> dropouts,
      ModelVector model, byte[] strategyState, Map<String, Double> roundMetrics, Instant at) {
    int i = inFlightIndex(ref, number);
    RoundRecord old = rounds.get(ref).get(i);
    RoundRecord done = new RoundRecord(ref, number, old.attempt(), RoundState.COMPLETED,
        old.participants(), dropouts, old.startedAt(), at, model.digest(), null);
    models.put(model.digest(), model);
    latest.put(ref, new StoredModel(ref, number, model, strategyState));
    metrics.computeIfAbsent(ref, r -> new HashMap<>()).put(number, Map.copyOf(roundMetrics));
    rounds.get(ref).set(i, done);
    return done;
  }

  @Override
  public synchronized RoundRecord abortRound(StudyRef ref, int number, List<String> dropouts,
      String reason, Instant at) {
    int i = inFlightIndex(ref, number);
    RoundRecord old = rounds.get(ref).get(i);
    RoundRecord aborted = new RoundRecord(ref, number, old.attempt(), RoundState.ABORTED,
        old.participants(), dropouts, old.startedAt(), at, null, reason);
    rounds.get(ref).set(i, aborted);
    return aborted;
  }

  private int inFlightIndex(StudyRef ref, int number) {
    List<RoundRecord> list = rounds.getOrDefault(ref, List.of());
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).number() == number && list.get(i).state() == RoundState.IN_FLIGHT) {
        return i;
      }
    }
    throw new StoreException("round " + number + " of " + ref + " is not in flight");
  }

  @Override
  public synchronized List<RoundRecord> rounds(StudyRef ref) {
    return List.copyOf(rounds.getOrDefault(ref, List.of()));
  }

  @Override
  public synchronized Optional<StoredModel> latestModel(StudyRef ref) {
    return Optional.ofNullable(latest.get(ref));
  }

  @Override
  public synchronized Optional<ModelVector> model(String digest) {
    return Optional.ofNullable(models.get(digest));
  }

  @Override
  public synchronized Map<String, Double> metrics(StudyRef ref, int round) {
    return metrics.getOrDefault(ref, Map.of()).getOrDefault(round, Map.of());
  }

  @Override
  public synchronized List<RoundRecord> abortAllInFlight(String reason, Instant at) {
    List<RoundRecord> aborted = new ArrayList<>();
    for (List<RoundRecord> list : rounds.values()) {
      for (int i = 0; i < list.size(); i++) {
        RoundRecord r = list.get(i);
        if (r.state() == RoundState.IN_FLIGHT) {
          RoundRecord a = new RoundRecord(r.study(), r.number(), r.attempt(), RoundState.ABORTED,
              r.participants(), r.dropouts(), r.startedAt(), at, null, reason);
          list.set(i, a);
          aborted.add(a);
        }
      }
    }
    return aborted;
  }

  private void requireStudy(StudyRef ref) {
    if (!plans.containsKey(ref)) {
      throw new StoreException("study " + ref + " is not registered");
    }
  }

  @Override
  public synchronized void recordModelSpec(StudyRef ref, ModelSpec spec) {
    requireStudy(ref);
    ModelSpec existing = specs.putIfAbsent(ref, spec);
    if (existing != null && !existing.equals(spec)) {
      specs.put(ref, existing);
      throw new StoreException("study " + ref + " has another model spec");
    }
  }

  @Override
  public synchronized Optional<ModelSpec> modelSpec(StudyRef ref) {
    return Optional.ofNullable(specs.get(ref));
  }

  @Override
  public synchronized void recordProvisioning(ModelProvisioning provisioning) {
    requireStudy(provisioning.study());
    provisionings.computeIfAbsent(provisioning.study(), r -> new ArrayList<>()).add(provisioning);
  }

  @Override
  public synchronized List<ModelProvisioning> provisionings(StudyRef ref) {
    return List.copyOf(provisionings.getOrDefault(ref, List.of()));
  }
}
