package org.fedfhir.securecompute.secagg;

import java.util.List;

/** Stage 4: the shares a surviving site reveals so the aggregator can remove the masks. */
public record UnmaskResponse(RoundId roundId, int sender, List<RevealedShare> shares) implements SiteMessage {

  public UnmaskResponse {
    shares = List.copyOf(shares);
  }

  @Override
  public Stage stage() {
    return Stage.UNMASK;
  }

  @Override
  public long payloadBytes() {
    long bytes = SiteMessage.headerBytes(roundId);
    for (RevealedShare s : shares) {
      bytes += 4 + 1 + s.share().length;
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "UnmaskResponse[" + roundId + ", site " + sender + ", " + shares.size() + " shares]";
  }
}
