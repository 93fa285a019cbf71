package org.fedfhir.securecompute.secagg;

import java.util.List;

/** Aggregator → site after stage 1: the encrypted shares addressed to the site by neighbours in U2. */
public record ShareBundle(RoundId roundId, int recipient, List<EncryptedShare> shares) {

  public ShareBundle {
    shares = List.copyOf(shares);
  }
}
