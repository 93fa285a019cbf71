package org.fedfhir.aggregator.store;

import java.time.Instant;
import java.util.List;

/**
 * One attempt at one round of a study.
 *
 * @param number the round, 1-based
 * @param attempt 1 for the first attempt, incremented each time an aborted round is run again
 * @param state in flight, completed or aborted
 * @param participants sites the attempt started with
 * @param dropouts sites that left before the end
 * @param startedAt when the attempt started
 * @param endedAt when it completed or aborted; null while in flight
 * @param modelDigest digest of the model it produced; null unless completed
 * @param abortReason why it aborted; null unless aborted
 */
public record RoundRecord(StudyRef study, int number, int attempt, RoundState state,
    List<String> participants, List<String> dropouts, Instant startedAt, Instant endedAt,
    String modelDigest, String abortReason) {

  public RoundRecord {
    participants = List.copyOf(participants);
    dropouts = List.copyOf(dropouts);
  }
}
