package org.fedfhir.securecompute.secagg;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** Aggregator → site after stage 2: the sites whose masked inputs are in the sum (U3). */
public record SurvivorList(RoundId roundId, int recipient, SortedSet<Integer> survivors) {

  public SurvivorList {
    survivors = Collections.unmodifiableSortedSet(new TreeSet<>(survivors));
  }
}
