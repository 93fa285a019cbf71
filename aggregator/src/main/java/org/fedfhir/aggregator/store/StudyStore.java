package org.fedfhir.aggregator.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fedfhir.aggregator.strategy.ModelVector;

/**
 * The aggregator's persistent state. Implementations are thread-safe; every method is atomic.
 */
public interface StudyStore {

  /**
   * Registers a study as {@link StudyStatus#ACTIVE}. Registering the same plan again is a no-op;
   * a different plan under the same URL and version is refused.
   */
  void registerStudy(StudyPlan plan);

  Optional<StudyPlan> study(StudyRef ref);

  /** Studies in the given status. */
  List<StudyPlan> studies(StudyStatus status);

  Optional<StudyStatus> status(StudyRef ref);

  /**
   * Makes {@code owner} the study's owner unless it has one: the first claim wins and is never
   * replaced. The owner is an opaque identity of whoever first published the study (the FHIR
   * endpoint's {@code RegistryAccessPolicy} decides its form); it is kept with the study so it
   * survives a restart.
   *
   * @return the study's owner after the call: {@code owner} if the claim won, else the one kept
   * @throws StoreException if the study is not registered
   */
  String claimOwner(StudyRef ref, String owner);

  /** The study's owner, if anyone claimed it. */
  Optional<String> owner(StudyRef ref);

  void setStatus(StudyRef ref, StudyStatus status);

  /** Records that a site joined (first time) or rejoined the study. */
  void recordSiteJoined(StudyRef ref, String siteName, Instant at);

  /** Sites that have joined the study, in order of first joining. */
  List<String> sites(StudyRef ref);

  /**
   * Starts an attempt at a round. Refused if the study has a round in flight, or if the round is
   * not the one after the last completed round.
   */
  RoundRecord beginRound(StudyRef ref, int number, List<String> participants, Instant at);

  /**
   * Completes the round in flight and stores its model, strategy state and metrics — all or
   * nothing. Refused (and nothing written) unless the round is in flight.
   */
  RoundRecord completeRound(StudyRef ref, int number, List<String> dropouts, ModelVector model,
      byte[] strategyState, Map<String, Double> metrics, Instant at);

  /** Aborts the round in flight: nothing is revealed; the round will be attempted again. */
  RoundRecord abortRound(StudyRef ref, int number, List<String> dropouts, String reason, Instant at);

  /** Every attempt at every round of the study, in order. */
  List<RoundRecord> rounds(StudyRef ref);

  /** Number of completed rounds. */
  default int completedRounds(StudyRef ref) {
    return (int) rounds(ref).stream().filter(r -> r.state() == RoundState.COMPLETED).count();
  }

  /** The model of the last completed round, if any. */
  Optional<StoredModel> latestModel(StudyRef ref);

  /** A model by its SHA-256 digest. */
  Optional<ModelVector> model(String digest);

  /** The network-wide metrics stored with a completed round. */
  Map<String, Double> metrics(StudyRef ref, int round);

  /**
   * Marks every round in flight as aborted (start-up after a crash or restart).
   *
   * @return the rounds that were aborted
   */
  List<RoundRecord> abortAllInFlight(String reason, Instant at);

  /**
   * Records the layout of the study's model (feature names, algorithm, owner download) when it is
   * published. Recording the same spec again is a no-op; another spec for the study is refused.
   */
  void recordModelSpec(StudyRef ref, ModelSpec spec);

  Optional<ModelSpec> modelSpec(StudyRef ref);

  /** Records that an attested TEE model service received the study's model. */
  void recordProvisioning(ModelProvisioning provisioning);

  /** Every provisioning of the study's model, oldest first. */
  List<ModelProvisioning> provisionings(StudyRef ref);
}
