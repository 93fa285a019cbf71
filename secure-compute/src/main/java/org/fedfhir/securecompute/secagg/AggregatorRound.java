package org.fedfhir.securecompute.secagg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ForkJoinPool;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.crypto.X25519;
import org.fedfhir.securecompute.sharing.NotEnoughSharesException;
import org.fedfhir.securecompute.sharing.ShamirScheme;
import org.fedfhir.securecompute.sharing.Share;

/**
 * The aggregator's side of one secure-aggregation round (Bonawitz et al., CCS 2017, Figure 4,
 * "Server"), optionally on the SecAgg+ neighbour graph (Bell et al., CCS 2020).
 *
 * <p>The transport feeds it the sites' messages with {@link #receive(SiteMessage)} and, when a
 * stage's deadline passes or every expected site has answered, calls the stage's {@code close…}
 * method, which fixes the set of sites still in the round and returns what to send to each. Sites
 * that don't answer in a stage have dropped out. A rejected message (replayed, duplicate, out of
 * order, tampered, malformed) throws its own exception and leaves the round as it was: the round
 * goes on with the others.
 *
 * <p>Privacy: masked inputs are summed as they arrive and not kept. The round accepts from a
 * surviving site only shares of the self-mask seeds of sites in the sum and of the masking keys of
 * sites not in it, so it never holds both secrets of one site. With fewer than t sites at any
 * stage, or too few shares for any reconstruction, the round aborts and releases nothing.
 */
public final class AggregatorRound {

  private final SecAggConfig config;
  private final RoundId id;
  private final NeighbourGraph graph;

  private Stage stage = Stage.ADVERTISE_KEYS;
  private final Map<Stage, NavigableSet<Integer>> participants = new EnumMap<>(Stage.class);
  private final Map<Integer, AdvertiseKeys> advertised = new TreeMap<>();
  private final Map<Integer, List<EncryptedShare>> inbox = new HashMap<>();
  private MaskVector maskedSum;
  private final Map<Integer, byte[]> consistencySignatures = new TreeMap<>();
  private final Map<Integer, List<Share>> seedShares = new HashMap<>();
  private final Map<Integer, List<Share>> keyShares = new HashMap<>();
  private final Map<Integer, Integer> answered = new TreeMap<>();

  public AggregatorRound(SecAggConfig config, RoundId id) {
    if (!config.study().equals(id.study())) {
      throw new IllegalArgumentException("round " + id + " is not of study " + config.study());
    }
    this.config = config;
    this.id = id;
    this.graph = config.graph();
    for (Stage s : Stage.values()) {
      if (!s.isTerminal()) {
        participants.put(s, new TreeSet<>());
      }
    }
  }

  public RoundId roundId() {
    return id;
  }

  public Stage stage() {
    return stage;
  }

  /** The sites whose message of {@code stage} was accepted (U1 … U5 in the paper's terms). */
  public SortedSet<Integer> participants(Stage s) {
    NavigableSet<Integer> set = participants.get(s);
    if (set == null) {
      throw new IllegalArgumentException(s.code() + " has no participants");
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(set));
  }

  /** Accepts one site's message of the current stage, or throws and changes nothing. */
  public void receive(SiteMessage message) {
    if (!id.equals(message.roundId())) {
      throw new ReplayedMessageException("message of " + message.roundId() + " presented in " + id);
    }
    int sender = message.sender();
    if (!graph.contains(sender)) {
      throw new UnknownSiteException("site " + sender + " is not part of " + id);
    }
    if (message.stage() != stage) {
      throw new StageViolationException(message.stage().code() + " message from site " + sender
          + " while " + id + " is at stage " + stage.code());
    }
    if (stage != Stage.ADVERTISE_KEYS && !participants.get(Stage.values()[stage.ordinal() - 1]).contains(sender)) {
      throw new StageViolationException("site " + sender + " skipped stage "
          + Stage.values()[stage.ordinal() - 1].code());
    }
    if (participants.get(stage).contains(sender)) {
      throw new DuplicateMessageException("site " + sender + " already sent its " + stage.code() + " message");
    }
    if (message instanceof AdvertiseKeys m) {
      acceptKeys(m);
    } else if (message instanceof ShareKeys m) {
      acceptShares(m);
    } else if (message instanceof MaskedInput m) {
      acceptMaskedInput(m);
    } else if (message instanceof ConsistencySignature m) {
      acceptSignature(m);
    } else {
      acceptUnmask((UnmaskResponse) message);
    }
    participants.get(stage).add(sender);
  }

  /** Ends stage 0: U1 is fixed; each site gets its neighbourhood's signed keys. */
  public Map<Integer, KeyRoster> closeAdvertising() {
    close(Stage.ADVERTISE_KEYS);
    Map<Integer, KeyRoster> out = new TreeMap<>();
    for (int site : participants.get(Stage.ADVERTISE_KEYS)) {
      List<AdvertiseKeys> ads = new ArrayList<>();
      for (int member : graph.neighbourhood(site)) {
        AdvertiseKeys ad = advertised.get(member);
        if (ad != null) {
          ads.add(ad);
        }
      }
      out.put(site, new KeyRoster(id, site, ads));
    }
    return out;
  }

  /** Ends stage 1: U2 is fixed; each site gets the shares addressed to it by sites in U2. */
  public Map<Integer, ShareBundle> closeSharing() {
    close(Stage.SHARE_KEYS);
    NavigableSet<Integer> u2 = participants.get(Stage.SHARE_KEYS);
    Map<Integer, ShareBundle> out = new TreeMap<>();
    for (int site : u2) {
      List<EncryptedShare> forSite = new ArrayList<>();
      for (EncryptedShare share : inbox.getOrDefault(site, List.of())) {
        if (u2.contains(share.sender())) {
          forSite.add(share);
        }
      }
      out.put(site, new ShareBundle(id, site, forSite));
    }
    inbox.clear();
    return out;
  }

  /** Ends stage 2: U3, the sites whose inputs are in the sum, is fixed and announced. */
  public Map<Integer, SurvivorList> closeMasking() {
    close(Stage.MASKED_INPUT);
    NavigableSet<Integer> u3 = participants.get(Stage.MASKED_INPUT);
    Map<Integer, SurvivorList> out = new TreeMap<>();
    for (int site : u3) {
      out.put(site, new SurvivorList(id, site, u3));
    }
    return out;
  }

  /** Ends stage 3: each site in U4 gets its neighbours' signatures over U3. */
  public Map<Integer, ConsistencyBundle> closeConsistency() {
    close(Stage.CONSISTENCY_CHECK);
    NavigableSet<Integer> u3 = participants.get(Stage.MASKED_INPUT);
    Map<Integer, ConsistencyBundle> out = new TreeMap<>();
    for (int site : participants.get(Stage.CONSISTENCY_CHECK)) {
      Map<Integer, byte[]> sigs = new TreeMap<>();
      for (int member : graph.neighbourhood(site)) {
        byte[] sig = consistencySignatures.get(member);
        if (sig != null) {
          sigs.put(member, sig);
        }
      }
      out.put(site, new ConsistencyBundle(id, site, u3, sigs));
    }
    return out;
  }

  /**
   * Ends stage 4 and the round: reconstructs the self-mask seeds of U3 and the masking keys of
   * U2 \ U3, removes their masks and returns Σ_{u∈U3} x_u modulo 2^k.
   *
   * @throws RoundAbortedException if fewer than t sites answered or some secret lacks t shares
   */
  public long[] finish() {
    close(Stage.UNMASK);
    NavigableSet<Integer> u2 = participants.get(Stage.SHARE_KEYS);
    NavigableSet<Integer> u3 = participants.get(Stage.MASKED_INPUT);
    List<Integer> dropped = new ArrayList<>(u2);
    dropped.removeAll(u3);
    List<Mask> masks;
    try {
      masks = unmaskingMasks(new ArrayList<>(u3), dropped);
    } catch (SecAggException e) {
      abort();
      throw e;
    }
    MaskVector sum = maskedSum;
    sum.add(removeAll(masks, sum.length()));
    masks.forEach(m -> m.seed().destroy());
    stage = Stage.COMPLETED;
    maskedSum = null;
    seedShares.clear();
    keyShares.clear();
    return sum.toLongs();
  }

  /** A mask to remove: the seed of its PRG and the sign it was added with, negated. */
  private record Mask(SecretBytes seed, int sign) {}

  /**
   * Rebuilds, spread over the cores, every mask still in the sum: the survivors' self masks and
   * the dropped sites' pairwise masks with surviving neighbours (Shamir reconstruction, then for a
   * dropped site one agreement per surviving neighbour).
   */
  private List<Mask> unmaskingMasks(List<Integer> inSum, List<Integer> dropped) {
    List<Mask> masks = new ArrayList<>(inSum.parallelStream()
        .map(site -> new Mask(reconstruct(site, seedShares, "self-mask seed"), -1)).toList());
    NavigableSet<Integer> u3 = participants.get(Stage.MASKED_INPUT);
    masks.addAll(dropped.parallelStream().flatMap(gone -> {
      SecretBytes maskingKey = reconstruct(gone, keyShares, "masking key");
      if (!java.util.Arrays.equals(X25519.publicKeyOf(maskingKey), advertised.get(gone).maskingKey())) {
        throw new ProtocolViolationException("the shares of site " + gone
            + "'s masking key do not reconstruct its advertised key");
      }
      List<Mask> pairwise = new ArrayList<>();
      for (int survivor : graph.neighbours(gone)) {
        if (u3.contains(survivor)) {
          pairwise.add(new Mask(RoundKeys.pairwiseMaskSeed(id, gone, survivor,
              X25519.agree(maskingKey, advertised.get(survivor).maskingKey())), -RoundKeys.maskSign(survivor, gone)));
        }
      }
      maskingKey.destroy();
      return pairwise.stream();
    }).toList());
    return masks;
  }

  /** The sum of {@code masks}, expanded on every core into one vector per core and then added. */
  private MaskVector removeAll(List<Mask> masks, int length) {
    int parts = Math.max(1, Math.min(masks.size(), ForkJoinPool.getCommonPoolParallelism() + 1));
    return java.util.stream.IntStream.range(0, parts).parallel().mapToObj(part -> {
      MaskVector partial = new MaskVector(config.modulusBits(), length);
      for (int i = part; i < masks.size(); i += parts) {
        partial.addMask(masks.get(i).seed(), masks.get(i).sign());
      }
      return partial;
    }).reduce((a, b) -> {
      a.add(b);
      return a;
    }).orElseGet(() -> new MaskVector(config.modulusBits(), length));
  }

  private SecretBytes reconstruct(int owner, Map<Integer, List<Share>> pool, String what) {
    List<Share> shares = pool.getOrDefault(owner, List.of());
    int holders = holdersOf(owner).size();
    try {
      byte[] secret = new ShamirScheme(config.threshold(), holders).reconstruct(shares);
      SecretBytes result = SecretBytes.copyOf(secret);
      java.util.Arrays.fill(secret, (byte) 0);
      return result;
    } catch (NotEnoughSharesException e) {
      throw new RoundAbortedException(id + ": site " + owner + "'s " + what + " has " + e.present()
          + " shares, fewer than the threshold " + config.threshold());
    } catch (IllegalArgumentException e) {
      throw new ProtocolViolationException(id + ": shares of site " + owner + "'s " + what + " are malformed");
    }
  }

  /** The sites in U1 that hold shares of {@code owner}'s secrets. */
  private NavigableSet<Integer> holdersOf(int owner) {
    NavigableSet<Integer> holders = new TreeSet<>(graph.neighbourhood(owner));
    holders.retainAll(participants.get(Stage.ADVERTISE_KEYS));
    return holders;
  }

  private void acceptKeys(AdvertiseKeys m) {
    if (!m.verify(config.signingKey(m.sender()))) {
      throw new TamperedMessageException("site " + m.sender() + "'s advertised keys do not verify");
    }
    advertised.put(m.sender(), m);
  }

  private void acceptShares(ShareKeys m) {
    NavigableSet<Integer> expected = holdersOf(m.sender());
    expected.remove(m.sender());
    NavigableSet<Integer> seen = new TreeSet<>();
    for (EncryptedShare share : m.shares()) {
      if (share.sender() != m.sender()) {
        throw new ProtocolViolationException("site " + m.sender() + " sent a share in site " + share.sender() + "'s name");
      }
      if (!expected.contains(share.recipient())) {
        throw new UnknownSiteException("site " + m.sender() + " sent a share to site " + share.recipient()
            + ", which is not a neighbour with keys");
      }
      if (!seen.add(share.recipient())) {
        throw new DuplicateMessageException("site " + m.sender() + " sent two shares to site " + share.recipient());
      }
    }
    if (!seen.equals(expected)) {
      throw new ProtocolViolationException("site " + m.sender() + " sent shares to " + seen.size()
          + " of its " + expected.size() + " neighbours");
    }
    for (EncryptedShare share : m.shares()) {
      inbox.computeIfAbsent(share.recipient(), k -> new ArrayList<>()).add(share);
    }
  }

  private void acceptMaskedInput(MaskedInput m) {
    if (m.length() != config.vectorLength() || m.modulusBits() != config.modulusBits()) {
      throw new ProtocolViolationException("site " + m.sender() + " sent " + m.length() + " elements of "
          + m.modulusBits() + " bits; the round expects " + config.vectorLength() + " of " + config.modulusBits());
    }
    if (maskedSum == null) {
      maskedSum = new MaskVector(config.modulusBits(), config.vectorLength());
    }
    maskedSum.add(m);
  }

  private void acceptSignature(ConsistencySignature m) {
    byte[] signed = ConsistencySignature.signedBytes(id, m.sender(), config, participants.get(Stage.MASKED_INPUT));
    if (!Ed25519.verify(config.signingKey(m.sender()), signed, m.signature())) {
      throw new TamperedMessageException("site " + m.sender() + "'s signature over the survivor set does not verify");
    }
    consistencySignatures.put(m.sender(), m.signature());
  }

  private void acceptUnmask(UnmaskResponse m) {
    NavigableSet<Integer> u2 = participants.get(Stage.SHARE_KEYS);
    NavigableSet<Integer> u3 = participants.get(Stage.MASKED_INPUT);
    Map<Integer, Share> seeds = new HashMap<>();
    Map<Integer, Share> keys = new HashMap<>();
    for (RevealedShare revealed : m.shares()) {
      int owner = revealed.owner();
      if (!u2.contains(owner) || !holdersOf(owner).contains(m.sender())) {
        throw new UnknownSiteException("site " + m.sender() + " revealed a share of site " + owner
            + ", which it cannot hold");
      }
      boolean survived = u3.contains(owner);
      boolean isSeed = revealed.kind() == RevealedShare.Kind.SELF_MASK_SEED;
      if (survived != isSeed) {
        throw new ProtocolViolationException("site " + m.sender() + " revealed a share of site " + owner + "'s "
            + (isSeed ? "self-mask seed, but it dropped out" : "masking key, but its input is in the sum"));
      }
      Share share;
      try {
        share = Share.fromBytes(revealed.share());
      } catch (IllegalArgumentException e) {
        throw new ProtocolViolationException("site " + m.sender() + " revealed a malformed share of site " + owner);
      }
      if ((isSeed ? seeds : keys).put(owner, share) != null) {
        throw new DuplicateMessageException("site " + m.sender() + " revealed two shares of site " + owner);
      }
    }
    seeds.forEach((owner, share) -> seedShares.computeIfAbsent(owner, k -> new ArrayList<>()).add(share));
    keys.forEach((owner, share) -> keyShares.computeIfAbsent(owner, k -> new ArrayList<>()).add(share));
    answered.put(m.sender(), m.shares().size());
  }

  private void close(Stage expected) {
    if (stage != expected) {
      throw new StageViolationException("cannot close " + expected.code() + " while " + id + " is at stage " + stage.code());
    }
    int count = participants.get(stage).size();
    if (count < config.threshold()) {
      Stage failed = stage;
      abort();
      throw new RoundAbortedException(id + ": " + count + " sites completed " + failed.code()
          + ", fewer than the threshold " + config.threshold());
    }
    if (stage != Stage.UNMASK) {
      stage = stage.next();
    }
  }

  private void abort() {
    stage = Stage.ABORTED;
    maskedSum = null;
    seedShares.clear();
    keyShares.clear();
    inbox.clear();
  }
}
