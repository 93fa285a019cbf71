package org.fedfhir.aggregator.store;

import java.util.List;

/** The rules every {@link StudyStore} enforces on a study's round history. */
public final class RoundHistory {

  private RoundHistory() {}

  /** A round may begin if none is in flight and it is the one after the last completed round. */
  public static void requireCanBegin(StudyRef ref, List<RoundRecord> history, int number) {
    for (RoundRecord r : history) {
      if (r.state() == RoundState.IN_FLIGHT) {
        throw new StoreException("round " + r.number() + " of " + ref + " is in flight; cannot begin round "
            + number);
      }
    }
    int completed = (int) history.stream().filter(r -> r.state() == RoundState.COMPLETED).count();
    if (number != completed + 1) {
      throw new StoreException("round " + number + " of " + ref + " cannot begin: " + completed
          + " rounds are completed, so the next is " + (completed + 1));
    }
  }
}
