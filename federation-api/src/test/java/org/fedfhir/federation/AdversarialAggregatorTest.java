package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FederationGrpc;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.secagg.AggregatorRound;
import org.fedfhir.securecompute.secagg.GraphPolicy;
import org.fedfhir.securecompute.secagg.SecAggException;
import org.fedfhir.securecompute.secagg.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A malicious aggregator against real {@link SiteSession}s: a test double that speaks the real
 * federation protocol (in-process gRPC, the secure-aggregation stages run with the real {@link
 * AggregatorRound}) but starts rounds the sites' {@link RoundPolicy} forbids — itself as a
 * participant, too few participants, a lowered threshold, a replayed round number, a round beyond
 * the study's. Every site refuses each, and no site's masked input for it ever reaches the
 * aggregator; the rounds before it, which obey the policy, do get every site's masked input.
 */
class AdversarialAggregatorTest {

  private static final String URL = "http://example.org/study";
  private static final String VERSION = "1";
  private static final int FEATURES = 2;
  private static final FixedPointEncoding ENCODING = FixedPointEncoding.newBuilder().setModulusBits(48)
      .setFractionBits(16).setClip(1000).build();

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final ExecutorService serial = Executors.newSingleThreadExecutor();
  private final List<Server> servers = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    channels.forEach(ManagedChannel::shutdownNow);
    for (Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    serial.shutdownNow();
  }

  @Test
  void theAggregatorCannotJoinARoundAsAParticipantOfItsOwn() throws Exception {
    Pki pki = Pki.create();
    // {victim, aggregator} with t = 2 would reveal the victim's input: with the other two sites the
    // round is within n and t, and only the fourth participant's role gives it away.
    Adversary adversary = start(3, pki.aggregatorParticipant(),
        round(1, Phase.STANDARDISE, 4, 3));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 3, RoundPolicy.training(3, null, 1), pki);

    assertRefused(sessions, "this site refused round 1: participant 'aggregator' holds a certificate in role "
        + "'aggregator', not a site's");
    assertThat(adversary.maskedInputs(1)).isEmpty();
    assertThat(adversary.messagesAfterJoin()).as("no site advertised a key for the round").isZero();
  }

  @Test
  void aSecondCertificateInASitesNameIsRefusedBySitesThatPinnedThatSitesKey() throws Exception {
    Pki pki = Pki.create();
    // Whoever holds the CA key issues another 'site-2' certificate with a key of its own: with it,
    // the aggregator is the third participant of {site-0, site-1, "site-2"} and t = 2.
    Adversary adversary = start(2, pki.participant("site-2", "site"), round(1, Phase.STANDARDISE, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = pinnedSites(adversary, pki, true);

    assertRefused(sessions, "this site refused round 1: participant 'site-2' presented a certificate of the network "
        + "CA whose key is not the one this site pinned for it");
    assertThat(adversary.messagesAfterJoin()).as("no site advertised a key for the round").isZero();
  }

  @Test
  void withoutPinsASecondCertificateInASitesNameIsTaken() throws Exception {
    // The control: the same round against sites that pin nothing gets their keys (the attack works).
    Pki pki = Pki.create();
    Adversary adversary = start(2, pki.participant("site-2", "site"), round(1, Phase.STANDARDISE, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = pinnedSites(adversary, pki, false);

    await(() -> adversary.messagesAfterJoin() == 2);
    assertThat(adversary.messagesAfterJoin()).isEqualTo(2);
    sessions.forEach(s -> assertThat(s).isNotCompletedExceptionally());
  }

  /** site-0 and site-1 join, pinning (if {@code pin}) the keys of the three sites' own certificates. */
  private List<CompletableFuture<SiteSession.Outcome>> pinnedSites(Adversary adversary, Pki pki, boolean pin)
      throws Exception {
    List<SessionKeyEndorsement.Signer> signers = List.of(pki.site("site-0"), pki.site("site-1"), pki.site("site-2"));
    Map<String, String> pins = new TreeMap<>();
    for (int i = 0; i < signers.size(); i++) {
      pins.put("site-" + i, signers.get(i).spkiSha256());
    }
    SessionKeyEndorsement.Verifier verifier = new SessionKeyEndorsement.Verifier(pki.ca);
    List<CompletableFuture<SiteSession.Outcome>> sessions = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      sessions.add(new SiteSession(stub(adversary), new SiteSession.Study(URL, VERSION, new byte[32], FEATURES,
          RoundPolicy.training(3, null, 1)), training(i), new SecureRandom())
          .endorsedBy(signers.get(i), pin ? verifier.pinning(pins) : verifier).start());
    }
    return sessions;
  }

  @Test
  void aRoundWithFewerParticipantsThanTheSitesOwnMinimumIsRefused() throws Exception {
    assertFirstRoundRefused(2, RoundPolicy.training(2, null, 1), round(1, Phase.STANDARDISE, 2, 2),
        "this site refused round 1: 2 participants; this site requires at least 3 (study min-sites 2, the site's "
            + "own minimum 3)");
  }

  @Test
  void aRoundWithFewerParticipantsThanTheStudysMinSitesIsRefused() throws Exception {
    assertFirstRoundRefused(3, RoundPolicy.training(4, null, 1), round(1, Phase.STANDARDISE, 3, 3),
        "this site refused round 1: 3 participants; this site requires at least 4 (study min-sites 4, the site's "
            + "own minimum 3)");
  }

  @Test
  void aThresholdBelowTwoThirdsOfTheParticipantsIsRefused() throws Exception {
    // t = 3 of 5 is a majority, which the secure aggregation itself accepts; the site requires ⌈2n/3⌉ = 4.
    assertFirstRoundRefused(5, RoundPolicy.training(3, null, 1), round(1, Phase.STANDARDISE, 5, 3),
        "this site refused round 1: threshold 3 of 5 participants; this site requires 4 ≤ t ≤ 5 (⌈2n/3⌉)");
  }

  @Test
  void aThresholdBelowTheStudysFixedThresholdIsRefused() throws Exception {
    assertFirstRoundRefused(5, RoundPolicy.training(3, 5, 1), round(1, Phase.STANDARDISE, 5, 4),
        "this site refused round 1: threshold 4 of 5 participants; this site requires 5 ≤ t ≤ 5 (study threshold 5)");
  }

  @Test
  void aSiteThatLowersItsOwnMinimumTakesPartInARoundOfTwo() throws Exception {
    // The control for the refusals above: the same adversary, a round the policy allows, every masked input.
    Adversary adversary = start(2, null, round(1, Phase.STANDARDISE, 2, 2));
    join(adversary, 2, RoundPolicy.training(2, null, 1).withSiteMinSites(2), null);

    await(() -> adversary.maskedInputs(1).size() == 2);
    assertThat(adversary.maskedInputs(1)).containsExactlyInAnyOrder(1, 2);
  }

  /** Sites that design sparse graphs for 1 % dropouts and no colluding site: 8 neighbours among 12 is their safe minimum. */
  private static final GraphPolicy FEW_DROPOUTS = new GraphPolicy(0.01, 0, 1e-6);

  @Test
  void aSparseGraphBelowTheSitesOwnSafeDegreeIsRefused() throws Exception {
    // 4 neighbours would let the aggregator's announced graph decide how few sites hold each secret.
    assertFirstRoundRefused(12, RoundPolicy.training(3, null, 1).withGraphPolicy(FEW_DROPOUTS),
        sparseRound(1, Phase.STANDARDISE, 12, 3, 4),
        "this site refused round 1: a sparse graph of 4 neighbours among 12 participants; this site requires at least 8 "
            + "(SecAgg+ for 1 % dropouts, 0 % colluding sites, failure ≤ 1e-06)");
  }

  @Test
  void aSparseGraphWithAThresholdItsNeighbourhoodsCannotMeetIsRefused() throws Exception {
    // 8 neighbours is safe, but t = 9 in neighbourhoods of 9 aborts whenever one of them drops out.
    assertFirstRoundRefused(12, RoundPolicy.training(3, null, 1).withGraphPolicy(FEW_DROPOUTS),
        sparseRound(1, Phase.STANDARDISE, 12, 9, 8),
        "this site refused round 1: threshold 9 in neighbourhoods of 9 among 12 participants fails with probability "
            + "1.0e+00; this site requires (SecAgg+ for 1 % dropouts, 0 % colluding sites, failure ≤ 1e-06)");
  }

  @Test
  void aSparseGraphTheSitesPolicyAllowsGivesTheExactSum() throws Exception {
    // The control: the same sites, 8 neighbours each, t = 5 per neighbourhood of 9; every site
    // builds the graph from the round's public parameters and the masks cancel.
    Adversary adversary = start(12, null, sparseRound(1, Phase.STANDARDISE, 12, FEW_DROPOUTS.threshold(12, 8), 8))
        .completingRounds();
    join(adversary, 12, RoundPolicy.training(3, null, 1).withGraphPolicy(FEW_DROPOUTS), null);

    await(() -> adversary.sum(1) != null);
    assertThat(adversary.maskedInputs(1)).hasSize(12);
    // Every site's first moment is 10 patients, encoded with 16 fraction bits.
    assertThat(adversary.sum(1)[0]).isEqualTo(120L << ENCODING.getFractionBits());
  }

  @Test
  void aSiteThatIgnoresTheGraphFieldRefusesASparseRoundInsteadOfJoiningOnTheCompleteGraph() throws Exception {
    // A site from before RoundStart.neighbours reads the field as 0: the complete graph. A sparse
    // round's threshold (per neighbourhood) is below the complete graph's ⌈2n/3⌉, so such a site
    // refuses it with a reason rather than masking on a graph the aggregator does not use.
    assertFirstRoundRefused(12, RoundPolicy.training(3, null, 1).withGraphPolicy(FEW_DROPOUTS),
        round(1, Phase.STANDARDISE, 12, FEW_DROPOUTS.threshold(12, 8)),
        "this site refused round 1: threshold 5 of 12 participants; this site requires 8 ≤ t ≤ 12 (⌈2n/3⌉)");
  }

  /** {@code sites} join; the adversary's first round, {@code round}, is refused by each before it sends anything. */
  private void assertFirstRoundRefused(int sites, RoundPolicy policy, Round round, String reason) throws Exception {
    Adversary adversary = start(sites, null, round);
    assertRefused(join(adversary, sites, policy, null), reason);
    assertThat(adversary.messagesAfterJoin()).as("no site advertised a key for the round").isZero();
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Test
  void aReplayedRoundNumberIsRefusedOnceTheSiteSentItsMaskedInput() throws Exception {
    Adversary adversary = start(3, null, round(1, Phase.STANDARDISE, 3, 2), round(2, Phase.TRAIN, 3, 2),
        round(2, Phase.TRAIN, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 3, RoundPolicy.training(3, null, 1), null);

    assertRefused(sessions, "this site refused round 2: round 2 was already run in this session (last round 2)");
    assertThat(adversary.maskedInputs(1)).as("round 1 within the policy").hasSize(3);
    assertThat(adversary.maskedInputs(2)).as("round 2 once, not twice").hasSize(3);
  }

  @Test
  void anEarlierRoundNumberIsRefused() throws Exception {
    Adversary adversary = start(3, null, round(2, Phase.TRAIN, 3, 2), round(1, Phase.STANDARDISE, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 3, RoundPolicy.training(3, null, 1), null);

    assertRefused(sessions, "this site refused round 1: round 1 was already run in this session (last round 2)");
    assertThat(adversary.maskedInputs(2)).hasSize(3);
    assertThat(adversary.maskedInputs(1)).isEmpty();
  }

  @Test
  void aTrainingRoundBeyondTheStudysDeclaredRoundsIsRefused() throws Exception {
    // One training round: STANDARDISE, TRAIN, EVALUATE; a fourth round is one too many.
    Adversary adversary = start(3, null, round(1, Phase.STANDARDISE, 3, 2), round(2, Phase.TRAIN, 3, 2),
        round(3, Phase.EVALUATE, 3, 2), round(4, Phase.TRAIN, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 3, RoundPolicy.training(3, null, 1), null);

    assertRefused(sessions, "this site refused round 4: round 4 would be round 4 of this session; the study "
        + "declares 3");
    assertThat(adversary.maskedInputs(3)).hasSize(3);
    assertThat(adversary.maskedInputs(4)).isEmpty();
  }

  @Test
  void aSecondStandardiseRoundWithoutOneOfItsSitesIsRefused() throws Exception {
    // {0,1,2,3} then {0,1,2}: the difference of the two sums would be site 3's moments
    Adversary adversary = start(4, null, round(1, Phase.STANDARDISE, 4, 3), round(2, Phase.STANDARDISE, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 4, RoundPolicy.training(3, null, 3), null);

    assertRefused(sessions.subList(0, 3), amongFewer(2, "STANDARDISE contribution to this study"));
    assertThat(adversary.maskedInputs(1)).hasSize(4);
    assertThat(adversary.maskedInputs(2)).isEmpty();
  }

  @Test
  void aSecondStandardiseRoundAtAnotherAnnouncedModelWithoutOneOfItsSitesIsRefused() throws Exception {
    // Moments do not depend on the model: a dummy model must not make the same contribution look new.
    Adversary adversary = start(4, null, round(1, Phase.STANDARDISE, 4, 3),
        round(2, Phase.STANDARDISE, 3, 2).withModel(0.5, -0.5, 1));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 4, RoundPolicy.training(3, null, 3), null);

    assertRefused(sessions.subList(0, 3), amongFewer(2, "STANDARDISE contribution to this study"));
    assertThat(adversary.maskedInputs(2)).isEmpty();
  }

  @Test
  void anEvaluationAmongASubsetAtAModelTheSitesTrainedAtIsRefused() throws Exception {
    // A TRAIN payload carries the evaluation of its model: EVALUATE at that model among fewer sites
    // would give the left-out site's confusion counts by difference.
    Adversary adversary = start(4, null, round(1, Phase.STANDARDISE, 4, 3),
        round(2, Phase.TRAIN, 4, 3).withModel(0.1, 0.2, 0.3), round(3, Phase.EVALUATE, 3, 2).withModel(0.1, 0.2, 0.3));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 4, RoundPolicy.training(3, null, 3), null);

    assertRefused(sessions.subList(0, 3), amongFewer(3, "EVALUATE contribution at a model it already contributed at"));
    assertThat(adversary.maskedInputs(2)).hasSize(4);
    assertThat(adversary.maskedInputs(3)).isEmpty();
  }

  @Test
  void aSiteThatDropsOutBeforeMaskingLeavesTheSumOfTheOthers() throws Exception {
    // The control for the fake dropouts below: the first time a contribution is summed, a dropout is the protocol's.
    Adversary adversary = start(4, null, round(1, Phase.STANDARDISE, 4, 3).dropping(4)).completingRounds();
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 4, RoundPolicy.training(3, null, 3), null);

    await(() -> adversary.sum(1) != null);
    // sites 0, 1, 2: 10 patients each
    assertThat(adversary.sum(1)[0]).isEqualTo(30L << ENCODING.getFractionBits());
    sessions.subList(0, 3).forEach(s -> assertThat(s).isNotCompletedExceptionally());
  }

  @Test
  void aFakeDropoutAtAModelWhoseFullSumWasUnmaskedIsRefusedBeforeAnyShareIsRevealed() throws Exception {
    // Same roster twice; the second time the aggregator reports site-3 dropped after masking:
    // unmasking the other three's sum would give site-3's moments by difference.
    Adversary adversary = start(4, null, round(1, Phase.STANDARDISE, 4, 3), round(2, Phase.STANDARDISE, 4, 3)
        .dropping(4)).completingRounds();
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 4, RoundPolicy.training(3, null, 3), null);

    assertRefused(sessions.subList(0, 3), fakeDropout(2));
    assertThat(adversary.sum(1)).isNotNull();
    assertThat(adversary.maskedInputs(2)).hasSize(4);
    assertThat(adversary.sent(2)).as("no site signed the survivors nor revealed a share")
        .doesNotContain("ConsistencySignature", "UnmaskResponse");
    assertThat(adversary.sum(2)).isNull();
  }

  @Test
  void aSecondSessionOfTheStudyAmongASubsetOfItsSitesIsRefusedWhateverModelItAnnounces() throws Exception {
    List<ContributionLedger> ledgers = ledgers(4);
    Adversary first = start(4, null, round(1, Phase.STANDARDISE, 4, 3)).completingRounds();
    join(first, 4, RoundPolicy.training(3, null, 3), null, ledgers);
    await(() -> first.sum(1) != null);

    Adversary second = start(4, null, round(1, Phase.STANDARDISE, 3, 2).withModel(7, 7, 7));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(second, 4, RoundPolicy.training(3, null, 3), null,
        ledgers);

    assertRefused(sessions.subList(0, 3), amongFewer(1, "STANDARDISE contribution to this study"));
    assertThat(second.messagesAfterJoin()).as("no site advertised a key for the round").isZero();
  }

  @Test
  void aSecondSessionOfTheStudyWithAFakeDropoutIsRefusedAndAmongTheSameSitesIsNot() throws Exception {
    List<ContributionLedger> ledgers = ledgers(4);
    Adversary first = start(4, null, round(1, Phase.STANDARDISE, 4, 3)).completingRounds();
    join(first, 4, RoundPolicy.training(3, null, 3), null, ledgers);
    await(() -> first.sum(1) != null);
    // A rerun among the same sites is taken: the same sum again tells the aggregator nothing new.
    Adversary rerun = start(4, null, round(1, Phase.STANDARDISE, 4, 3)).completingRounds();
    join(rerun, 4, RoundPolicy.training(3, null, 3), null, ledgers);
    await(() -> rerun.sum(1) != null);
    assertThat(rerun.sum(1)).containsExactly(first.sum(1));

    Adversary third = start(4, null, round(1, Phase.STANDARDISE, 4, 3).dropping(4)).completingRounds();
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(third, 4, RoundPolicy.training(3, null, 3), null,
        ledgers);

    assertRefused(sessions.subList(0, 3), fakeDropout(1));
    assertThat(third.sent(1)).doesNotContain("ConsistencySignature", "UnmaskResponse");
    assertThat(third.sum(1)).isNull();
  }

  @Test
  void aSessionOfAnotherStudyIsNotHeldToTheFirstStudysSites() throws Exception {
    // The ledger is per study digest: a new version (new digest) approved by the steward starts afresh.
    List<ContributionLedger> ledgers = ledgers(4);
    Adversary first = start(4, null, round(1, Phase.STANDARDISE, 4, 3)).completingRounds();
    join(first, 4, RoundPolicy.training(3, null, 3), null, ledgers);
    await(() -> first.sum(1) != null);

    Adversary second = start(3, null, round(1, Phase.STANDARDISE, 3, 2)).completingRounds();
    List<CompletableFuture<SiteSession.Outcome>> sessions = new ArrayList<>();
    byte[] otherDigest = new byte[32];
    otherDigest[0] = 1;
    for (int i = 0; i < 3; i++) {
      // the adversary binds its rounds to URL and VERSION: here the study's content changed, not its version
      sessions.add(new SiteSession(stub(second), new SiteSession.Study(URL, VERSION, otherDigest, FEATURES,
          RoundPolicy.training(3, null, 3)), training(i), new SecureRandom()).recordingIn(ledgers.get(i)).start());
    }
    await(() -> second.sum(1) != null);
    assertThat(second.sum(1)).isNotNull();
    sessions.forEach(s -> assertThat(s).isNotCompletedExceptionally());
  }

  /** Why a site refuses a round that sums its {@code contribution} among site-0, 1, 2 after site-0, 1, 2, 3. */
  private static String amongFewer(int round, String contribution) {
    return "this site refused round " + round + ": it asks again for this site's " + contribution
        + ", among other participants (site-0, site-1, site-2, site-3 before, site-0, site-1, site-2 now)";
  }

  /** Why a site refuses to unmask its moments among site-0, 1, 2 once they were unmasked among site-0, 1, 2, 3. */
  private static String fakeDropout(int round) {
    return "this site refused round " + round + ": it would unmask this site's STANDARDISE contribution to this "
        + "study among site-0, site-1, site-2; it was unmasked among site-0, site-1, site-2, site-3 before";
  }

  private static List<ContributionLedger> ledgers(int sites) {
    List<ContributionLedger> ledgers = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      ledgers.add(ContributionLedger.inMemory());
    }
    return ledgers;
  }

  @Test
  void aTrainingRoundAtTheSameModelWithASubsetOfItsSitesIsRefusedAndWithTheSameSitesIsNot() throws Exception {
    // rounds 2 and 3 announce the same global model: among the same sites a retry, among fewer a difference
    Adversary adversary = start(4, null, round(1, Phase.STANDARDISE, 4, 3), round(2, Phase.TRAIN, 4, 3),
        round(3, Phase.TRAIN, 4, 3), round(4, Phase.TRAIN, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = join(adversary, 4, RoundPolicy.training(3, null, 5), null);

    assertRefused(sessions.subList(0, 3), amongFewer(4, "TRAIN contribution at a model it already contributed at"));
    assertThat(adversary.maskedInputs(3)).hasSize(4);
    assertThat(adversary.maskedInputs(4)).isEmpty();
  }

  @Test
  void aSecondStatisticsReleaseInOneSessionIsRefused() throws Exception {
    assertSecondStatisticsRoundRefused(false, "this site refused round 8: round 8 would be round 2 of this session; "
        + "the study declares 1");
  }

  @Test
  void aSecondStatisticsRoundOfARegressionStudyIsRefused() throws Exception {
    // A regression study may iterate: more rounds are allowed, but not a second STATISTICS release.
    assertSecondStatisticsRoundRefused(true, "this site refused round 8: a second STATISTICS release in one session");
  }

  /** Three sites of a statistics study take part in STATISTICS round 7 and refuse a second one, round 8. */
  private void assertSecondStatisticsRoundRefused(boolean regressions, String reason) throws Exception {
    Adversary adversary = start(3, null, round(7, Phase.STATISTICS, 3, 2), round(8, Phase.STATISTICS, 3, 2));
    List<CompletableFuture<SiteSession.Outcome>> sessions = statistics(adversary, 3,
        RoundPolicy.statistics(3, null, regressions));

    assertRefused(sessions, reason);
    assertThat(adversary.maskedInputs(7)).hasSize(3);
    assertThat(adversary.maskedInputs(8)).isEmpty();
  }

  /**
   * Everything the aggregator holds of a completed STATISTICS round over the real protocol — each
   * site's masked input and every share the sites revealed to unmask — gives it the sum and no
   * single site's input: no share of a surviving site's masking key was revealed, and even with
   * every self mask it can rebuild from the revealed seeds, a site's masked input still carries its
   * pairwise masks.
   */
  @Test
  void theTranscriptOfACompletedRoundGivesTheSumAndNoSingleSitesInput() throws Exception {
    Adversary adversary = start(3, null, round(7, Phase.STATISTICS, 3, 2)).completingRounds();
    List<CompletableFuture<SiteSession.Outcome>> sessions = statistics(adversary, 3, RoundPolicy.statistics(3, null,
        false));
    await(() -> adversary.sum(7) != null);
    sessions.forEach(s -> assertThat(s).isNotCompletedExceptionally());

    long one = 1L << ENCODING.getFractionBits();
    // sites contribute [v, v²] for v = 1, 2, 3
    assertThat(adversary.sum(7)).containsExactly(6 * one, 14 * one);
    Map<Integer, List<org.fedfhir.securecompute.sharing.Share>> seeds = new TreeMap<>();
    Map<Integer, long[]> masked = new TreeMap<>();
    for (org.fedfhir.securecompute.secagg.SiteMessage m : adversary.transcript()) {
      if (m instanceof org.fedfhir.securecompute.secagg.MaskedInput input) {
        masked.put(input.sender(), input.vector());
      }
      if (m instanceof org.fedfhir.securecompute.secagg.UnmaskResponse response) {
        for (org.fedfhir.securecompute.secagg.RevealedShare share : response.shares()) {
          assertThat(share.kind()).as("a share of a surviving site's masking key")
              .isEqualTo(org.fedfhir.securecompute.secagg.RevealedShare.Kind.SELF_MASK_SEED);
          seeds.computeIfAbsent(share.owner(), k -> new ArrayList<>())
              .add(org.fedfhir.securecompute.sharing.Share.fromBytes(share.share()));
        }
      }
    }
    assertThat(masked).hasSize(3);
    for (int site = 1; site <= 3; site++) {
      long[] input = {site * one, (long) site * site * one};
      byte[] seed = new org.fedfhir.securecompute.sharing.ShamirScheme(2, 3).reconstruct(seeds.get(site));
      long[] withoutSelfMask = masked.get(site).clone();
      new org.fedfhir.securecompute.crypto.MaskPrg(ENCODING.getModulusBits())
          .accumulate(org.fedfhir.securecompute.crypto.SecretBytes.copyOf(seed), withoutSelfMask, -1);
      for (int j = 0; j < input.length; j++) {
        assertThat(withoutSelfMask[j]).as("site %d, element %d", site, j).isNotEqualTo(input[j]);
        assertThat(masked.get(site)[j]).isNotEqualTo(input[j]);
      }
    }
  }

  // ---- the adversary and its sites -----------------------------------------------------------

  /**
   * A round the adversary starts: its number, phase, how many participants (the first joined) and
   * threshold; the participant (1-based index) it reports dropped out once it holds its masked
   * input (0: none), and the global model it announces.
   */
  record Round(int number, Phase phase, int participants, int threshold, int neighbours, int dropped, double[] model) {

    /** The same round announcing {@code weights} as the global model. */
    Round withModel(double... weights) {
      return new Round(number, phase, participants, threshold, neighbours, dropped, weights);
    }

    /** The same round, with participant {@code index}'s masked input received but reported as never sent. */
    Round dropping(int index) {
      return new Round(number, phase, participants, threshold, neighbours, index, model);
    }
  }

  static Round round(int number, Phase phase, int participants, int threshold) {
    return new Round(number, phase, participants, threshold, 0, 0, new double[0]);
  }

  /** A round on the sparse SecAgg+ graph of {@code neighbours}. */
  static Round sparseRound(int number, Phase phase, int participants, int threshold, int neighbours) {
    return new Round(number, phase, participants, threshold, neighbours, 0, new double[0]);
  }

  /** Starts the adversary, which runs {@code rounds} in turn once {@code sites} have joined. */
  private Adversary start(int sites, Participant extra, Round... rounds) throws Exception {
    String name = InProcessServerBuilder.generateName();
    Adversary adversary = new Adversary(sites, extra, List.of(rounds));
    servers.add(InProcessServerBuilder.forName(name).executor(serial).addService(adversary).build().start());
    adversary.serverName = name;
    return adversary;
  }

  private List<CompletableFuture<SiteSession.Outcome>> join(Adversary adversary, int sites, RoundPolicy policy,
      Pki pki) throws Exception {
    return join(adversary, sites, policy, pki, null);
  }

  /** {@code sites} join, each recording in its own ledger of {@code ledgers} (the hospital's) if given. */
  private List<CompletableFuture<SiteSession.Outcome>> join(Adversary adversary, int sites, RoundPolicy policy,
      Pki pki, List<ContributionLedger> ledgers) throws Exception {
    List<CompletableFuture<SiteSession.Outcome>> sessions = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      SiteSession session = new SiteSession(stub(adversary), new SiteSession.Study(URL, VERSION, new byte[32],
          FEATURES, policy), training(i), new SecureRandom());
      if (pki != null) {
        session.endorsedBy(pki.site("site-" + i), new SessionKeyEndorsement.Verifier(pki.ca));
      }
      if (ledgers != null) {
        session.recordingIn(ledgers.get(i));
      }
      sessions.add(session.start());
    }
    return sessions;
  }

  private List<CompletableFuture<SiteSession.Outcome>> statistics(Adversary adversary, int sites,
      RoundPolicy policy) {
    List<CompletableFuture<SiteSession.Outcome>> sessions = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      double value = i + 1;
      SiteSession.StatisticsWork work = (round, threshold) -> new double[] {value, value * value};
      sessions.add(new SiteSession(stub(adversary), new SiteSession.Study(URL, VERSION, new byte[32], 2, policy),
          work, new SecureRandom()).start());
    }
    return sessions;
  }

  private FederationGrpc.FederationStub stub(Adversary adversary) {
    ManagedChannel channel = InProcessChannelBuilder.forName(adversary.serverName).directExecutor().build();
    channels.add(channel);
    return FederationGrpc.newStub(channel);
  }

  private static void assertRefused(List<CompletableFuture<SiteSession.Outcome>> sessions, String reason) {
    for (CompletableFuture<SiteSession.Outcome> s : sessions) {
      assertThatThrownBy(() -> s.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
          .isInstanceOf(SiteSession.RoundRefusedException.class).hasMessage(reason);
    }
  }

  private static SiteSession.TrainingWork training(int site) {
    return new SiteSession.TrainingWork() {
      @Override
      public double[] moments() {
        return new double[] {10, site, site * site, 10, 2 * site, 4 * site * site};
      }

      @Override
      public double[] train(int round, double[] globalModel, Standardisation standardisation) {
        return new double[] {site, site, site};
      }

      @Override
      public double[] evaluate(double[] model, Standardisation standardisation) {
        return new double[] {1, 0, 1, 0, 0.5};
      }
    };
  }

  /**
   * The malicious aggregator: accepts every Join, then starts its scripted rounds among the sites
   * in the order they joined (plus {@code extra}, a participant of its own, if given) and runs each
   * round's secure aggregation as far as the sites' masked inputs, recording them; then it starts
   * the next round.
   */
  static final class Adversary extends FederationGrpc.FederationImplBase {
    private final int sites;
    private final Participant extra;
    private final List<Round> script;
    private final List<StreamObserver<AggregatorMessage>> outs = new ArrayList<>();
    private final List<Join> joins = new ArrayList<>();
    private final Map<Integer, List<Integer>> masked = new TreeMap<>();
    private final List<org.fedfhir.securecompute.secagg.SiteMessage> transcript = new ArrayList<>();
    private final Map<Integer, long[]> sums = new TreeMap<>();
    private final Map<Integer, List<String>> sent = new TreeMap<>();
    private boolean complete;
    private volatile int afterJoin;
    private String serverName;
    private int next;
    private Round current;
    private AggregatorRound round;

    Adversary(int sites, Participant extra, List<Round> script) {
      this.sites = sites;
      this.extra = extra;
      this.script = script;
    }

    synchronized List<Integer> maskedInputs(int number) {
      return List.copyOf(masked.getOrDefault(number, List.of()));
    }

    int messagesAfterJoin() {
      return afterJoin;
    }

    /** Runs every round to its end (consistency check, unmasking, the sum) instead of stopping at the masked inputs. */
    synchronized Adversary completingRounds() {
      complete = true;
      return this;
    }

    /** Every protocol message the sites sent it, in order: what the aggregator holds of the rounds. */
    synchronized List<org.fedfhir.securecompute.secagg.SiteMessage> transcript() {
      return List.copyOf(transcript);
    }

    /** The kinds of protocol message the sites sent in round {@code number}, in order. */
    synchronized List<String> sent(int number) {
      return List.copyOf(sent.getOrDefault(number, List.of()));
    }

    /** The sum round {@code number} unmasked, or null. */
    synchronized long[] sum(int number) {
      return sums.get(number);
    }

    @Override
    public StreamObserver<SiteMessage> session(StreamObserver<AggregatorMessage> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(SiteMessage m) {
          received(out, m);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }

    private synchronized void received(StreamObserver<AggregatorMessage> out, SiteMessage m) {
      if (m.hasJoin()) {
        outs.add(out);
        joins.add(m.getJoin());
        if (joins.size() == sites) {
          nextRound();
        }
        return;
      }
      afterJoin++;
      int index = outs.indexOf(out) + 1;
      if (m.hasMaskedInput()) {
        masked.computeIfAbsent(current.number(), k -> new ArrayList<>()).add(index);
      }
      boolean reportedDropped = m.hasMaskedInput() && index == current.dropped();
      try {
        org.fedfhir.securecompute.secagg.SiteMessage message = ProtocolCodec.fromProto(index, m,
            ENCODING.getModulusBits());
        transcript.add(message);
        sent.computeIfAbsent(current.number(), k -> new ArrayList<>()).add(message.getClass().getSimpleName());
        if (!reportedDropped) {
          round.receive(message);
        }
      } catch (SecAggException e) {
        throw new AssertionError(e);
      }
      Stage stage = round.stage();
      int expected = current.participants()
          - (current.dropped() != 0 && stage.compareTo(Stage.MASKED_INPUT) >= 0 ? 1 : 0);
      // a fake dropout: the aggregator holds the dropped site's masked input before it says it never came
      boolean holdsDropped = current.dropped() == 0 || masked.getOrDefault(current.number(), List.of())
          .contains(current.dropped());
      if (round.participants(stage).size() < expected || stage == Stage.MASKED_INPUT && !holdsDropped) {
        return;
      }
      switch (stage) {
        case ADVERTISE_KEYS -> round.closeAdvertising().forEach((i, roster) ->
            outs.get(i - 1).onNext(ProtocolCodec.toProto(roster, URL, VERSION)));
        case SHARE_KEYS -> round.closeSharing().forEach((i, bundle) ->
            outs.get(i - 1).onNext(ProtocolCodec.toProto(bundle, URL, VERSION)));
        case MASKED_INPUT -> {
          if (!complete) {
            nextRound();
            return;
          }
          round.closeMasking().forEach((i, list) -> outs.get(i - 1).onNext(ProtocolCodec.toProto(list, URL, VERSION)));
        }
        case CONSISTENCY_CHECK -> round.closeConsistency().forEach((i, bundle) ->
            outs.get(i - 1).onNext(ProtocolCodec.toProto(bundle, URL, VERSION)));
        case UNMASK -> {
          sums.put(current.number(), round.finish());
          nextRound();
        }
        default -> throw new AssertionError("stage " + stage);
      }
    }

    /** Starts the next scripted round: every site (and the extra participant) gets its RoundStart. */
    private void nextRound() {
      if (next == script.size()) {
        return;
      }
      current = script.get(next++);
      List<Participant> participants = new ArrayList<>();
      Map<Integer, byte[]> keys = new TreeMap<>();
      for (int i = 0; i < current.participants() - (extra == null ? 0 : 1); i++) {
        Join j = joins.get(i);
        participants.add(Participant.newBuilder().setIndex(i + 1).setSiteName("site-" + i)
            .setSigningPublicKey(j.getSigningPublicKey()).setCertificate(j.getCertificate())
            .setKeyEndorsement(j.getKeyEndorsement()).build());
        keys.put(i + 1, j.getSigningPublicKey().toByteArray());
      }
      if (extra != null) {
        participants.add(extra.toBuilder().setIndex(current.participants()).build());
        keys.put(current.participants(), extra.getSigningPublicKey().toByteArray());
      }
      int length = switch (current.phase()) {
        case STANDARDISE -> 3 * FEATURES;
        case TRAIN -> 3 + MetricTail.LENGTH;
        case EVALUATE -> MetricTail.LENGTH;
        default -> 2;
      };
      int neighbourhood = current.neighbours() == 0 ? current.participants() : current.neighbours() + 1;
      if (current.threshold() > neighbourhood / 2) {
        round = new AggregatorRound(ProtocolCodec.config(URL, VERSION, current.number(), keys, current.threshold(),
            current.neighbours(), length, ENCODING.getModulusBits()), new org.fedfhir.securecompute.secagg.RoundId(
            ProtocolCodec.studyKey(URL, VERSION), current.number()));
      }
      for (int i = 0; i < Math.min(joins.size(), participants.size()); i++) {
        outs.get(i).onNext(AggregatorMessage.newBuilder().setRoundStart(RoundStart.newBuilder()
            .setBinding(ProtocolCodec.binding(URL, VERSION, current.number(), Stage.ADVERTISE_KEYS))
            .addAllParticipants(participants).setYourIndex(i + 1).setThreshold(current.threshold())
            .setNeighbours(current.neighbours())
            .setGlobalModel(org.fedfhir.federation.v1.GlobalModel.newBuilder()
                .addAllWeights(java.util.Arrays.stream(current.model()).boxed().toList()))
            .setEncoding(ENCODING).setPhase(current.phase()).setTrainingRounds(1)).build());
      }
    }
  }

  /** A network CA, certificates for sites, and the aggregator's own certificate and session key. */
  record Pki(X509Certificate ca, KeyPair caKeys) {
    static Pki create() throws Exception {
      Instant now = Instant.now();
      KeyPair caKeys = SessionKeyEndorsementTest.ecKeys();
      return new Pki(SessionKeyEndorsementTest.certificate("fedfhir-network-ca", "ca", caKeys.getPublic(),
          "fedfhir-network-ca", caKeys.getPrivate(), now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS)),
          caKeys);
    }

    SessionKeyEndorsement.Signer site(String name) throws Exception {
      return party(name, "site");
    }

    SessionKeyEndorsement.Signer party(String name, String role) throws Exception {
      Instant now = Instant.now();
      KeyPair keys = SessionKeyEndorsementTest.ecKeys();
      return new SessionKeyEndorsement.Signer(SessionKeyEndorsementTest.certificate(name, role, keys.getPublic(),
          "fedfhir-network-ca", caKeys.getPrivate(), now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS)),
          keys.getPrivate());
    }

    /** The aggregator as a participant: its own session key, endorsed with its own (aggregator-role) certificate. */
    Participant aggregatorParticipant() throws Exception {
      return participant("aggregator", "aggregator");
    }

    /** A participant the aggregator controls: its own session key, endorsed with a new certificate of {@code name} and {@code role}. */
    Participant participant(String name, String role) throws Exception {
      byte[] key = Ed25519.generate(new SecureRandom()).publicKey();
      SessionKeyEndorsement.Endorsement e = party(name, role).endorse(
          new SessionKeyEndorsement.Subject(URL, VERSION, new byte[32], key));
      return Participant.newBuilder().setSiteName(name).setSigningPublicKey(ByteString.copyFrom(key))
          .setCertificate(ByteString.copyFrom(e.certificate()))
          .setKeyEndorsement(ByteString.copyFrom(e.signature())).build();
    }
  }
}
