package org.fedfhir.securecompute.statistics;

import java.util.Collection;
import java.util.Objects;

/**
 * Statistical disclosure control for released counts: a count {@code c} is <em>sensitive</em>
 * when {@code 0 < c < minCellCount} (or also {@code c == 0} when {@code suppressZeros}); a
 * sensitive count is suppressed, with everything derived from it, and complementary cells are
 * suppressed so that it cannot be recovered from what is released ({@link Suppression}).
 *
 * <p>Each site sets a policy for all the studies it takes part in, and each study sets its own;
 * the released result obeys the stricter of all of them ({@link #strictest}): the largest
 * minimum count, zeros suppressed if anyone asks for it.
 *
 * @param minCellCount the smallest count released, ≥ 1 (1 releases every count)
 * @param suppressZeros whether a zero count is sensitive too (default false: an empty cell
 *     names no patient)
 */
public record DisclosurePolicy(int minCellCount, boolean suppressZeros) {

  /** The default minimum cell count. */
  public static final int DEFAULT_MIN_CELL_COUNT = 5;

  /** Validates the minimum count. */
  public DisclosurePolicy {
    if (minCellCount < 1) {
      throw new IllegalArgumentException("minCellCount " + minCellCount + " must be >= 1");
    }
  }

  /** @return minimum cell count 5, zeros released */
  public static DisclosurePolicy defaults() {
    return new DisclosurePolicy(DEFAULT_MIN_CELL_COUNT, false);
  }

  /** @return a policy with minimum count {@code k}, zeros released */
  public static DisclosurePolicy minCellCount(int k) {
    return new DisclosurePolicy(k, false);
  }

  /** @return no suppression at all (minimum count 1): for tests and internal checks only */
  public static DisclosurePolicy none() {
    return new DisclosurePolicy(1, false);
  }

  /** @return whether the count must not be released */
  public boolean isSensitive(long count) {
    return count == 0 ? suppressZeros : count < minCellCount;
  }

  /** @return the stricter of this policy and {@code other} */
  public DisclosurePolicy stricter(DisclosurePolicy other) {
    Objects.requireNonNull(other, "other");
    return new DisclosurePolicy(Math.max(minCellCount, other.minCellCount),
        suppressZeros || other.suppressZeros);
  }

  /**
   * The policy a study's release obeys: the strictest of the study's and every participating
   * site's.
   *
   * @param study the study's policy
   * @param sites the policies of the sites taking part
   */
  public static DisclosurePolicy strictest(DisclosurePolicy study, Collection<DisclosurePolicy> sites) {
    DisclosurePolicy result = Objects.requireNonNull(study, "study");
    for (DisclosurePolicy site : sites) {
      result = result.stricter(site);
    }
    return result;
  }
}
