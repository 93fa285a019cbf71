package org.fedfhir.securecompute.secagg;

import java.util.List;

/** Stage 1: a site's encrypted shares of its self-mask seed and masking key, one per neighbour. */
public record ShareKeys(RoundId roundId, int sender, List<EncryptedShare> shares) implements SiteMessage {

  public ShareKeys {
    shares = List.copyOf(shares);
  }

  @Override
  public Stage stage() {
    return Stage.SHARE_KEYS;
  }

  @Override
  public long payloadBytes() {
    long bytes = SiteMessage.headerBytes(roundId);
    for (EncryptedShare s : shares) {
      bytes += 4 + s.ciphertext().length;
    }
    return bytes;
  }

  @Override
  public String toString() {
    return "ShareKeys[" + roundId + ", site " + sender + ", " + shares.size() + " shares]";
  }
}
