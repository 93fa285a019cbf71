package org.fedfhir.securecompute.secagg;

import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Aggregator → site after stage 3: the survivor set U3 and the neighbours' signatures over it (from
 * U4), which each site checks before it reveals any share.
 */
public record ConsistencyBundle(RoundId roundId, int recipient, SortedSet<Integer> survivors,
    Map<Integer, byte[]> signatures) {

  public ConsistencyBundle {
    survivors = Collections.unmodifiableSortedSet(new TreeSet<>(survivors));
    TreeMap<Integer, byte[]> copy = new TreeMap<>();
    signatures.forEach((site, sig) -> copy.put(site, sig.clone()));
    signatures = Collections.unmodifiableMap(copy);
  }
}
