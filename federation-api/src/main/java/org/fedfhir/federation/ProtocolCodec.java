package org.fedfhir.federation;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fedfhir.federation.v1.AdvertisedKeys;
import org.fedfhir.federation.v1.AggregatorMessage;
import org.fedfhir.federation.v1.Binding;
import org.fedfhir.federation.v1.ConsistencyCheck;
import org.fedfhir.federation.v1.ConsistencyRequest;
import org.fedfhir.federation.v1.KeysBroadcast;
import org.fedfhir.federation.v1.SharesDelivery;
import org.fedfhir.federation.v1.SignedConsistency;
import org.fedfhir.federation.v1.SiteMessage;
import org.fedfhir.federation.v1.SiteShare;
import org.fedfhir.federation.v1.Unmask;
import org.fedfhir.federation.v1.UnmaskRequest;
import org.fedfhir.securecompute.secagg.AdvertiseKeys;
import org.fedfhir.securecompute.secagg.ConsistencyBundle;
import org.fedfhir.securecompute.secagg.ConsistencySignature;
import org.fedfhir.securecompute.secagg.EncryptedShare;
import org.fedfhir.securecompute.secagg.KeyRoster;
import org.fedfhir.securecompute.secagg.MaskedInput;
import org.fedfhir.securecompute.secagg.NeighbourGraph;
import org.fedfhir.securecompute.secagg.RevealedShare;
import org.fedfhir.securecompute.secagg.RoundId;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.ShareBundle;
import org.fedfhir.securecompute.secagg.ShareKeys;
import org.fedfhir.securecompute.secagg.Stage;
import org.fedfhir.securecompute.secagg.SurvivorList;
import org.fedfhir.securecompute.secagg.UnmaskResponse;

/**
 * Maps the values of the secure-aggregation protocol ({@code org.fedfhir.securecompute.secagg})
 * to the federation's protobuf messages and back, field by field. Site indices are the round's
 * participant indices (1…n); the protocol's study is {@code url|version}. Nothing here decides:
 * every check belongs to the protocol's state machines.
 */
public final class ProtocolCodec {

  private ProtocolCodec() {}

  /** The protocol's name of a study: its canonical URL and version. */
  public static String studyKey(String url, String version) {
    return url + "|" + version;
  }

  /** The public parameters of one round on the complete graph, as every party builds them from the round's start. */
  public static SecAggConfig config(String url, String version, Map<Integer, byte[]> signingKeys,
      int threshold, int vectorLength, int modulusBits) {
    SecAggConfig.Builder builder = SecAggConfig.builder().study(studyKey(url, version))
        .vectorLength(vectorLength).modulusBits(modulusBits).threshold(threshold).graph(NeighbourGraph.Kind.FULL);
    signingKeys.forEach(builder::site);
    return builder.build();
  }

  /**
   * The public parameters of round {@code round}, as every party builds them from the round's start:
   * {@code neighbours} = 0 is the complete graph, else the sparse SecAgg+ graph of that degree in the
   * order of {@link #graphSeed}.
   */
  public static SecAggConfig config(String url, String version, long round, Map<Integer, byte[]> signingKeys,
      int threshold, int neighbours, int vectorLength, int modulusBits) {
    if (neighbours == 0) {
      return config(url, version, signingKeys, threshold, vectorLength, modulusBits);
    }
    SecAggConfig.Builder builder = SecAggConfig.builder().study(studyKey(url, version))
        .vectorLength(vectorLength).modulusBits(modulusBits).threshold(threshold)
        .graph(NeighbourGraph.Kind.SPARSE).degree(neighbours)
        .graphSeed(graphSeed(url, version, round, signingKeys));
    signingKeys.forEach(builder::site);
    return builder.build();
  }

  /**
   * The public seed that orders a round's sparse graph: SHA-256 of the study, the round and every
   * participant's index and signing key. Every party computes it; the aggregator cannot choose it
   * to place colluding sites around a victim (short of choosing the roster itself).
   */
  public static byte[] graphSeed(String url, String version, long round, Map<Integer, byte[]> signingKeys) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update("fedfhir/secagg/graph-seed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] study = studyKey(url, version).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      sha.update(ByteBuffer.allocate(12).putInt(study.length).putLong(round).array());
      sha.update(study);
      for (Map.Entry<Integer, byte[]> site : new TreeMap<>(signingKeys).entrySet()) {
        sha.update(ByteBuffer.allocate(8).putInt(site.getKey()).putInt(site.getValue().length).array());
        sha.update(site.getValue());
      }
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  public static RoundId roundId(Binding b) {
    return new RoundId(studyKey(b.getStudyUrl(), b.getStudyVersion()), b.getRound());
  }

  public static Binding binding(String url, String version, long round, Stage stage) {
    return Binding.newBuilder().setStudyUrl(url).setStudyVersion(version).setRound(Math.toIntExact(round))
        .setStage(toProto(stage)).build();
  }

  public static org.fedfhir.federation.v1.Stage toProto(Stage stage) {
    return switch (stage) {
      case ADVERTISE_KEYS -> org.fedfhir.federation.v1.Stage.ADVERTISE_KEYS;
      case SHARE_KEYS -> org.fedfhir.federation.v1.Stage.SHARE_KEYS;
      case MASKED_INPUT -> org.fedfhir.federation.v1.Stage.MASKED_INPUT;
      case CONSISTENCY_CHECK -> org.fedfhir.federation.v1.Stage.CONSISTENCY_CHECK;
      case UNMASK -> org.fedfhir.federation.v1.Stage.UNMASK;
      default -> org.fedfhir.federation.v1.Stage.STAGE_UNSPECIFIED;
    };
  }

  // ---- site → aggregator -------------------------------------------------------------------

  /** A site's protocol message as it goes on the wire. */
  public static SiteMessage toProto(org.fedfhir.securecompute.secagg.SiteMessage m, String url, String version) {
    Binding b = binding(url, version, m.roundId().round(), m.stage());
    SiteMessage.Builder out = SiteMessage.newBuilder();
    if (m instanceof AdvertiseKeys a) {
      out.setAdvertiseKeys(advertised(a, b));
    } else if (m instanceof ShareKeys s) {
      out.setShareKeys(org.fedfhir.federation.v1.ShareKeys.newBuilder().setBinding(b)
          .addAllShares(shares(s.shares())));
    } else if (m instanceof MaskedInput x) {
      out.setMaskedInput(org.fedfhir.federation.v1.MaskedInput.newBuilder().setBinding(b)
          .setPacked(ByteString.copyFrom(pack(x.vector(), x.modulusBits()))));
    } else if (m instanceof ConsistencySignature c) {
      out.setConsistencyCheck(ConsistencyCheck.newBuilder().setBinding(b).setSignature(ByteString.copyFrom(c.signature())));
    } else {
      UnmaskResponse u = (UnmaskResponse) m;
      Unmask.Builder unmask = Unmask.newBuilder().setBinding(b);
      for (RevealedShare s : u.shares()) {
        SiteShare share = SiteShare.newBuilder().setOwner(s.owner()).setShare(ByteString.copyFrom(s.share())).build();
        if (s.kind() == RevealedShare.Kind.SELF_MASK_SEED) {
          unmask.addSeedShares(share);
        } else {
          unmask.addMaskingKeyShares(share);
        }
      }
      out.setUnmask(unmask);
    }
    return out.build();
  }

  /** A site's wire message as the protocol's value, from the participant with index {@code sender}. */
  public static org.fedfhir.securecompute.secagg.SiteMessage fromProto(int sender, SiteMessage m, int modulusBits) {
    switch (m.getBodyCase()) {
      case ADVERTISE_KEYS:
        return advertiseKeys(sender, m.getAdvertiseKeys());
      case SHARE_KEYS: {
        var s = m.getShareKeys();
        return new ShareKeys(roundId(s.getBinding()), sender, shares(s.getSharesList()));
      }
      case MASKED_INPUT: {
        var x = m.getMaskedInput();
        long[] vector = switch (x.getVectorCase()) {
          case WORDS -> x.getWords().getValuesList().stream().mapToLong(Long::longValue).toArray();
          case PACKED -> unpack(x.getPacked().toByteArray(), modulusBits);
          default -> throw new IllegalArgumentException("masked input has no vector");
        };
        return new MaskedInput(roundId(x.getBinding()), sender, vector, modulusBits);
      }
      case CONSISTENCY_CHECK: {
        var c = m.getConsistencyCheck();
        return new ConsistencySignature(roundId(c.getBinding()), sender, c.getSignature().toByteArray());
      }
      case UNMASK: {
        var u = m.getUnmask();
        List<RevealedShare> shares = new ArrayList<>();
        u.getSeedSharesList().forEach(s -> shares.add(
            new RevealedShare(s.getOwner(), RevealedShare.Kind.SELF_MASK_SEED, s.getShare().toByteArray())));
        u.getMaskingKeySharesList().forEach(s -> shares.add(
            new RevealedShare(s.getOwner(), RevealedShare.Kind.MASKING_KEY, s.getShare().toByteArray())));
        return new UnmaskResponse(roundId(u.getBinding()), sender, shares);
      }
      default:
        throw new IllegalArgumentException("not a protocol message: " + m.getBodyCase());
    }
  }

  // ---- aggregator → site -------------------------------------------------------------------

  public static AggregatorMessage toProto(KeyRoster r, String url, String version) {
    KeysBroadcast.Builder b = KeysBroadcast.newBuilder()
        .setBinding(binding(url, version, r.roundId().round(), Stage.SHARE_KEYS));
    for (AdvertiseKeys a : r.advertisements()) {
      b.addKeys(AdvertisedKeys.newBuilder().setIndex(a.sender())
          .setKeys(advertised(a, binding(url, version, a.roundId().round(), Stage.ADVERTISE_KEYS))));
    }
    return AggregatorMessage.newBuilder().setKeysBroadcast(b).build();
  }

  public static AggregatorMessage toProto(ShareBundle bundle, String url, String version) {
    return AggregatorMessage.newBuilder().setSharesDelivery(SharesDelivery.newBuilder()
        .setBinding(binding(url, version, bundle.roundId().round(), Stage.MASKED_INPUT))
        .addAllShares(shares(bundle.shares()))).build();
  }

  public static AggregatorMessage toProto(SurvivorList list, String url, String version) {
    return AggregatorMessage.newBuilder().setConsistencyRequest(ConsistencyRequest.newBuilder()
        .setBinding(binding(url, version, list.roundId().round(), Stage.CONSISTENCY_CHECK))
        .addAllMaskedInputSenders(list.survivors())).build();
  }

  public static AggregatorMessage toProto(ConsistencyBundle bundle, String url, String version) {
    UnmaskRequest.Builder b = UnmaskRequest.newBuilder()
        .setBinding(binding(url, version, bundle.roundId().round(), Stage.UNMASK))
        .addAllSurvivors(bundle.survivors());
    bundle.signatures().forEach((site, sig) ->
        b.addSignatures(SignedConsistency.newBuilder().setIndex(site).setSignature(ByteString.copyFrom(sig))));
    return AggregatorMessage.newBuilder().setUnmaskRequest(b).build();
  }

  public static KeyRoster keyRoster(int recipient, KeysBroadcast m) {
    List<AdvertiseKeys> ads = new ArrayList<>();
    for (AdvertisedKeys k : m.getKeysList()) {
      ads.add(advertiseKeys(k.getIndex(), k.getKeys()));
    }
    return new KeyRoster(roundId(m.getBinding()), recipient, ads);
  }

  public static ShareBundle shareBundle(int recipient, SharesDelivery m) {
    return new ShareBundle(roundId(m.getBinding()), recipient, shares(m.getSharesList()));
  }

  public static SurvivorList survivorList(int recipient, ConsistencyRequest m) {
    return new SurvivorList(roundId(m.getBinding()), recipient, new TreeSet<>(m.getMaskedInputSendersList()));
  }

  public static ConsistencyBundle consistencyBundle(int recipient, UnmaskRequest m) {
    Map<Integer, byte[]> sigs = new TreeMap<>();
    for (SignedConsistency s : m.getSignaturesList()) {
      sigs.put(s.getIndex(), s.getSignature().toByteArray());
    }
    SortedSet<Integer> survivors = new TreeSet<>(m.getSurvivorsList());
    return new ConsistencyBundle(roundId(m.getBinding()), recipient, survivors, sigs);
  }

  // ---- fields ------------------------------------------------------------------------------

  private static org.fedfhir.federation.v1.AdvertiseKeys advertised(AdvertiseKeys a, Binding b) {
    return org.fedfhir.federation.v1.AdvertiseKeys.newBuilder().setBinding(b)
        .setEncryptionPublicKey(ByteString.copyFrom(a.encryptionKey()))
        .setMaskingPublicKey(ByteString.copyFrom(a.maskingKey()))
        .setSignature(ByteString.copyFrom(a.signature())).build();
  }

  private static AdvertiseKeys advertiseKeys(int sender, org.fedfhir.federation.v1.AdvertiseKeys a) {
    return new AdvertiseKeys(roundId(a.getBinding()), sender, a.getEncryptionPublicKey().toByteArray(),
        a.getMaskingPublicKey().toByteArray(), a.getSignature().toByteArray());
  }

  private static List<org.fedfhir.federation.v1.EncryptedShare> shares(List<EncryptedShare> shares) {
    List<org.fedfhir.federation.v1.EncryptedShare> out = new ArrayList<>();
    for (EncryptedShare s : shares) {
      out.add(org.fedfhir.federation.v1.EncryptedShare.newBuilder().setSender(s.sender())
          .setRecipient(s.recipient()).setCiphertext(ByteString.copyFrom(s.ciphertext())).build());
    }
    return out;
  }

  private static List<EncryptedShare> shares(Iterable<org.fedfhir.federation.v1.EncryptedShare> shares) {
    List<EncryptedShare> out = new ArrayList<>();
    for (var s : shares) {
      out.add(new EncryptedShare(s.getSender(), s.getRecipient(), s.getCiphertext().toByteArray()));
    }
    return out;
  }

  /** Big-endian, ⌈k/8⌉ bytes per element. */
  static byte[] pack(long[] vector, int modulusBits) {
    int width = (modulusBits + 7) / 8;
    ByteBuffer out = ByteBuffer.allocate(vector.length * width);
    for (long v : vector) {
      for (int b = width - 1; b >= 0; b--) {
        out.put((byte) (v >>> (8 * b)));
      }
    }
    return out.array();
  }

  static long[] unpack(byte[] packed, int modulusBits) {
    int width = (modulusBits + 7) / 8;
    if (packed.length % width != 0) {
      throw new IllegalArgumentException("packed vector of " + packed.length + " bytes is not a whole number of "
          + width + "-byte elements");
    }
    long[] out = new long[packed.length / width];
    for (int i = 0; i < out.length; i++) {
      long v = 0;
      for (int b = 0; b < width; b++) {
        v = (v << 8) | (packed[i * width + b] & 0xFFL);
      }
      out[i] = v;
    }
    return out;
  }
}
