package org.fedfhir.securecompute.secagg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.SortedSet;

/**
 * Stage 3: a site's Ed25519 signature over the set of sites that sent masked inputs and over the
 * round's public parameters as the site was told them (roster with keys and neighbours, threshold t,
 * vector length, modulus: {@link SecAggConfig#publicParametersDigest}), so that the aggregator cannot
 * tell different sites different stories about who dropped out, who takes part or how many shares
 * open a secret (Bonawitz et al. 2017, round "ConsistencyCheck").
 */
public record ConsistencySignature(RoundId roundId, int sender, byte[] signature) implements SiteMessage {

  public ConsistencySignature {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public Stage stage() {
    return Stage.CONSISTENCY_CHECK;
  }

  /** The bytes a site signs: the binding, the digest of the round's public parameters and the survivor ids in order. */
  static byte[] signedBytes(RoundId id, int sender, SecAggConfig config, SortedSet<Integer> survivors) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(id.binding(Stage.CONSISTENCY_CHECK, sender, 0).encode());
    out.writeBytes(config.publicParametersDigest());
    ByteBuffer ids = ByteBuffer.allocate(4 + 4 * survivors.size()).putInt(survivors.size());
    survivors.forEach(ids::putInt);
    out.writeBytes(ids.array());
    return out.toByteArray();
  }

  @Override
  public long payloadBytes() {
    return SiteMessage.headerBytes(roundId) + signature.length;
  }

  @Override
  public String toString() {
    return "ConsistencySignature[" + roundId + ", site " + sender + "]";
  }
}
