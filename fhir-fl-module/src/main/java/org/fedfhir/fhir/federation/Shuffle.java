package org.fedfhir.fhir.federation;

import java.util.SplittableRandom;

/** The order a local step visits its rows in: a Fisher–Yates shuffle per epoch from the step's seeded generator. */
final class Shuffle {
  private Shuffle() {}

  /** The rows 0 … n − 1 in order. */
  static int[] rows(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** Shuffles {@code order} in place. */
  static void epoch(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
