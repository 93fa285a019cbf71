package org.fedfhir.securecompute.secagg;

import java.util.List;

/** Aggregator → site after stage 0: the advertised keys of the site's neighbourhood (U1). */
public record KeyRoster(RoundId roundId, int recipient, List<AdvertiseKeys> advertisements) {

  public KeyRoster {
    advertisements = List.copyOf(advertisements);
  }
}
