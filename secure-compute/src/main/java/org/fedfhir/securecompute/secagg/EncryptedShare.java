package org.fedfhir.securecompute.secagg;

/**
 * The shares of one site's two secrets meant for one other site, sealed with AES-GCM under their
 * pairwise key and bound to the round, the stage, the sender and the recipient. The aggregator only
 * routes it.
 */
public record EncryptedShare(int sender, int recipient, byte[] ciphertext) {

  public EncryptedShare {
    ciphertext = ciphertext.clone();
  }

  @Override
  public byte[] ciphertext() {
    return ciphertext.clone();
  }

  @Override
  public String toString() {
    return "EncryptedShare[" + sender + " → " + recipient + ", " + ciphertext.length + " bytes]";
  }
}
