package org.fedfhir.aggregator.round;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.Stage;

/**
 * The seam to the secure-aggregation protocol (Bonawitz et al., CCS 2017): the aggregator's side of
 * one round, seen by the coordinator as "feed it each site's message of the current stage; when the
 * stage closes, get the next stage's messages, the sum, or an abort".
 *
 * <p>The real implementation adapts {@code org.fedfhir.securecompute.secagg.AggregatorRound}: it
 * converts these proto messages to and from the protocol's records (one class), maps its rejection
 * exceptions to {@link ProtocolViolation}s, and decodes the fixed-point sum. The coordinator's
 * {@link StageBarrier} has already checked each message's binding (study, round, stage), that it is
 * not a replay, and vector lengths.
 */
public interface SecureSum {

  /** Opens a round; it awaits {@link Stage#ADVERTISE_KEYS} answers to the RoundStart. */
  Round open(RoundSetup setup);

  /**
   * What a round is run with.
   *
   * @param studyUrl study binding
   * @param studyVersion study binding
   * @param round the round number (the binding's round)
   * @param participants the sites, with their Shamir indices 1..n
   * @param threshold t, 2 ≤ t ≤ n
   * @param vectorLength length of each site's input vector
   * @param encoding how sites encode their inputs as integers
   * @param neighbours k of the sparse SecAgg+ graph, or 0 for the complete graph
   */
  record RoundSetup(String studyUrl, String studyVersion, int round, List<Participant> participants,
      int threshold, int vectorLength, FixedPointEncoding encoding, int neighbours) {

    public RoundSetup {
      participants = List.copyOf(participants);
      if (threshold < 2 || threshold > participants.size()) {
        throw new IllegalArgumentException("threshold " + threshold + " with " + participants.size()
            + " sites; need 2 ≤ t ≤ n");
      }
      if (neighbours != 0 && (neighbours < 2 || neighbours >= participants.size() - 1 || threshold > neighbours + 1)) {
        throw new IllegalArgumentException("sparse graph of " + neighbours + " neighbours, threshold " + threshold
            + ", with " + participants.size() + " sites; need 2 ≤ k < n − 1 and t ≤ k + 1");
      }
    }

    /** A round on the complete graph. */
    public RoundSetup(String studyUrl, String studyVersion, int round, List<Participant> participants,
        int threshold, int vectorLength, FixedPointEncoding encoding) {
      this(studyUrl, studyVersion, round, participants, threshold, vectorLength, encoding, 0);
    }
  }

  /** The aggregator's state machine for one round. */
  interface Round {

    /** The stage whose messages the round accepts now. */
    Stage stage();

    /**
     * Takes one site's message of the current stage.
     *
     * @param sender the site's index
     * @throws ProtocolViolation if the protocol rejects it; the round is unchanged
     */
    void accept(int sender, SiteMessage message) throws ProtocolViolation;

    /**
     * Closes the current stage (every expected site answered, or the deadline passed): sites that
     * did not answer have dropped out.
     */
    Outcome closeStage();
  }

  /** What closing a stage leads to. */
  sealed interface Outcome {}

  /** The next stage and what to send to each site still in the round (by index). */
  record Next(Stage stage, Map<Integer, AggregatorMessage> requests) implements Outcome {
    public Next {
      requests = Map.copyOf(requests);
    }
  }

  /** The round revealed the sum of the inputs of {@code contributors}, decoded to doubles. */
  record Sum(double[] values, SortedSet<Integer> contributors) implements Outcome {}

  /** Too few sites remained or the protocol failed: nothing was revealed. */
  record Aborted(String reason) implements Outcome {}
}
