package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.secagg.AggregatorRound;
import org.fedfhir.securecompute.secagg.RoundId;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.SiteRound;
import org.junit.jupiter.api.Test;

/** Every protocol value survives the trip through protobuf bytes: a whole round over the wire format. */
class ProtocolCodecTest {

  private static final String URL = "http://fedfhir.org/fhir/PlanDefinition/wire";
  private static final String VERSION = "2";

  @Test
  void aWholeRoundThroughProtobufBytesGivesThePlainSum() throws Exception {
    SecureRandom random = new SecureRandom();
    Map<Integer, byte[]> publicKeys = new TreeMap<>();
    Map<Integer, Ed25519.KeyPair> keys = new TreeMap<>();
    for (int site = 1; site <= 3; site++) {
      keys.put(site, Ed25519.generate(random));
      publicKeys.put(site, keys.get(site).publicKey());
    }
    SecAggConfig config = ProtocolCodec.config(URL, VERSION, publicKeys, 2, 5, 40);
    RoundId id = new RoundId(ProtocolCodec.studyKey(URL, VERSION), 9);
    AggregatorRound aggregator = new AggregatorRound(config, id);
    Map<Integer, SiteRound> sites = new TreeMap<>();
    Map<Integer, long[]> inputs = new TreeMap<>();
    for (int site = 1; site <= 3; site++) {
      sites.put(site, new SiteRound(config, id, site, keys.get(site).privateKey(), random));
      inputs.put(site, new long[] {site, 1L << 39, 7, 0, (1L << 40) - site});
    }

    sites.forEach((i, s) -> aggregator.receive(wire(i, s.advertiseKeys())));
    var rosters = aggregator.closeAdvertising();
    sites.forEach((i, s) -> aggregator.receive(wire(i, s.shareKeys(
        ProtocolCodec.keyRoster(i, reparse(ProtocolCodec.toProto(rosters.get(i), URL, VERSION)).getKeysBroadcast())))));
    var bundles = aggregator.closeSharing();
    sites.forEach((i, s) -> aggregator.receive(wire(i, s.maskedInput(ProtocolCodec.shareBundle(i,
        reparse(ProtocolCodec.toProto(bundles.get(i), URL, VERSION)).getSharesDelivery()), inputs.get(i)))));
    var lists = aggregator.closeMasking();
    sites.forEach((i, s) -> aggregator.receive(wire(i, s.consistencyCheck(ProtocolCodec.survivorList(i,
        reparse(ProtocolCodec.toProto(lists.get(i), URL, VERSION)).getConsistencyRequest())))));
    var checks = aggregator.closeConsistency();
    sites.forEach((i, s) -> aggregator.receive(wire(i, s.unmask(ProtocolCodec.consistencyBundle(i,
        reparse(ProtocolCodec.toProto(checks.get(i), URL, VERSION)).getUnmaskRequest())))));
    long[] sum = aggregator.finish();

    long mask = (1L << 40) - 1;
    long[] expected = new long[5];
    for (long[] x : inputs.values()) {
      for (int j = 0; j < 5; j++) {
        expected[j] = (expected[j] + x[j]) & mask;
      }
    }
    assertThat(sum).containsExactly(expected);
  }

  @Test
  void packedVectorsUseTheNarrowestWholeBytesBigEndian() {
    long[] v = {0, 1, 0xABCDEF, (1L << 24) - 1};
    byte[] packed = ProtocolCodec.pack(v, 24);
    assertThat(packed).hasSize(12);
    assertThat(packed[6]).isEqualTo((byte) 0xAB);
    assertThat(ProtocolCodec.unpack(packed, 24)).containsExactly(v);
    assertThat(ProtocolCodec.unpack(ProtocolCodec.pack(new long[] {-1L, 5}, 64), 64)).containsExactly(-1L, 5);
    assertThatThrownBy(() -> ProtocolCodec.unpack(new byte[7], 24)).hasMessageContaining("3-byte elements");
  }

  private static org.fedfhir.securecompute.secagg.SiteMessage wire(int sender, org.fedfhir.securecompute.secagg.SiteMessage m) {
    try {
      SiteMessage parsed = SiteMessage.parseFrom(ProtocolCodec.toProto(m, URL, VERSION).toByteArray());
      return ProtocolCodec.fromProto(sender, parsed, 40);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static AggregatorMessage reparse(AggregatorMessage m) {
    try {
      return AggregatorMessage.parseFrom(m.toByteArray());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void studyKeyNamesUrlAndVersion() {
    assertThat(ProtocolCodec.studyKey(URL, VERSION)).isEqualTo(URL + "|" + VERSION);
    assertThat(List.of(ProtocolCodec.roundId(ProtocolCodec.binding(URL, VERSION, 3,
        org.fedfhir.securecompute.secagg.Stage.UNMASK)))).containsExactly(new RoundId(URL + "|" + VERSION, 3));
  }
}
