package org.fedfhir.securecompute.secagg;

import java.nio.charset.StandardCharsets;

/**
 * A message from a site to the aggregator. Immutable; bound to a study, round and stage; carried by
 * any transport (the federation's gRPC API maps each to a protobuf message of the same fields).
 */
public sealed interface SiteMessage
    permits AdvertiseKeys, ShareKeys, MaskedInput, ConsistencySignature, UnmaskResponse {

  RoundId roundId();

  int sender();

  /** The stage this message belongs to. */
  Stage stage();

  /**
   * Bytes of the message's fields as they cross the wire: the round binding (study, round, stage,
   * sender) and the payload (keys, ciphertexts, vector elements of ⌈k/8⌉ bytes, signatures), without
   * transport framing.
   */
  long payloadBytes();

  /** Bytes of the binding header every message carries. */
  static long headerBytes(RoundId id) {
    return 4 + id.study().getBytes(StandardCharsets.UTF_8).length + 8 + 1 + 4;
  }
}
