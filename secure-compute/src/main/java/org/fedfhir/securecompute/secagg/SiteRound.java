package org.fedfhir.securecompute.secagg;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.fedfhir.securecompute.crypto.AesGcm;
import org.fedfhir.securecompute.crypto.Ed25519;
import org.fedfhir.securecompute.crypto.MaskPrg;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.crypto.X25519;
import org.fedfhir.securecompute.sharing.ShamirScheme;
import org.fedfhir.securecompute.sharing.Share;

/**
 * One site's side of one secure-aggregation round (Bonawitz et al., CCS 2017, Figure 4, "User"),
 * optionally on the SecAgg+ neighbour graph (Bell et al., CCS 2020).
 *
 * <p>Each step checks the stage first: a step out of order throws {@link StageViolationException}
 * and changes nothing. Any other failure (a tampered, replayed or inconsistent message from the
 * aggregator, too few sites left) aborts the site's round: it wipes its secrets and answers nothing
 * more. A site reveals, per neighbour, a share of the self-mask seed or of the masking key — never
 * both — and only after checking its neighbours' signatures over the survivor set.
 */
public final class SiteRound {

  private static final int INDEX_BYTES = 4;

  private final SecAggConfig config;
  private final RoundId id;
  private final int self;
  private final SecretBytes signingKey;
  private final SecureRandom random;
  private final long modulusMask;

  private Stage stage = Stage.ADVERTISE_KEYS;
  private X25519.KeyPair encryptionKeys;
  private X25519.KeyPair maskingKeys;
  private Map<Integer, AdvertiseKeys> roster;
  private SecretBytes selfMaskSeed;
  private final Map<Integer, Share> seedSharesHeld = new HashMap<>();
  private final Map<Integer, Share> keySharesHeld = new HashMap<>();
  private final Map<Integer, SecretBytes> shareKeys = new HashMap<>();
  private NavigableSet<Integer> maskingPeers;
  private SortedSet<Integer> survivors;

  /**
   * @param signingKey the site's long-term Ed25519 private key, whose public half is in {@code config}
   */
  public SiteRound(SecAggConfig config, RoundId id, int self, SecretBytes signingKey, SecureRandom random) {
    if (!config.study().equals(id.study())) {
      throw new IllegalArgumentException("round " + id + " is not of study " + config.study());
    }
    config.graph().neighbours(self);
    this.config = config;
    this.id = id;
    this.self = self;
    this.signingKey = signingKey;
    this.random = random;
    this.modulusMask = config.modulusBits() == 64 ? -1L : (1L << config.modulusBits()) - 1;
  }

  public Stage stage() {
    return stage;
  }

  public int site() {
    return self;
  }

  /** Stage 0: fresh key pairs for this round, signed. */
  public AdvertiseKeys advertiseKeys() {
    return step(Stage.ADVERTISE_KEYS, () -> {
      encryptionKeys = X25519.generate(random);
      maskingKeys = X25519.generate(random);
      byte[] c = encryptionKeys.publicKey();
      byte[] s = maskingKeys.publicKey();
      byte[] signature = Ed25519.sign(signingKey, AdvertiseKeys.signedBytes(id, self, c, s));
      return new AdvertiseKeys(id, self, c, s, signature);
    });
  }

  /** Stage 1: check the neighbours' keys, share the two secrets among the neighbourhood, encrypt. */
  public ShareKeys shareKeys(KeyRoster keyRoster) {
    return step(Stage.SHARE_KEYS, () -> {
      checkAddressed(keyRoster.roundId(), keyRoster.recipient());
      roster = checkedRoster(keyRoster);
      List<Integer> holders = new ArrayList<>(roster.keySet());
      ShamirScheme scheme = new ShamirScheme(config.threshold(), holders.size());
      byte[] seed = new byte[MaskPrg.SEED_BYTES];
      random.nextBytes(seed);
      selfMaskSeed = SecretBytes.copyOf(seed);
      List<Share> seedShares = scheme.split(seed, random);
      java.util.Arrays.fill(seed, (byte) 0);
      byte[] maskingPrivate = maskingKeys.privateKey().reveal();
      List<Share> keyShares = scheme.split(maskingPrivate, random);
      java.util.Arrays.fill(maskingPrivate, (byte) 0);

      List<EncryptedShare> out = new ArrayList<>();
      for (int i = 0; i < holders.size(); i++) {
        int holder = holders.get(i);
        if (holder == self) {
          seedSharesHeld.put(self, seedShares.get(i));
          keySharesHeld.put(self, keyShares.get(i));
          continue;
        }
        byte[] plaintext = sharePlaintext(self, holder, seedShares.get(i), keyShares.get(i));
        out.add(new EncryptedShare(self, holder,
            AesGcm.seal(shareKey(holder), plaintext, id.binding(Stage.SHARE_KEYS, self, holder), random)));
        java.util.Arrays.fill(plaintext, (byte) 0);
      }
      return new ShareKeys(id, self, out);
    });
  }

  /**
   * Stage 2: open the neighbours' shares, then mask the input: {@code y = x + PRG(b_u) + Σ ±PRG(s_uv)}
   * modulo 2^k, over the neighbours that shared keys (U2).
   *
   * @param input the site's encoded vector, elements in [0, 2^k)
   */
  public MaskedInput maskedInput(ShareBundle bundle, long[] input) {
    if (stage == Stage.MASKED_INPUT) {
      checkInput(input);
    }
    return step(Stage.MASKED_INPUT, () -> {
      checkAddressed(bundle.roundId(), bundle.recipient());
      NavigableSet<Integer> peers = new TreeSet<>();
      for (EncryptedShare share : bundle.shares()) {
        openShare(share);
        peers.add(share.sender());
      }
      NavigableSet<Integer> u2 = new TreeSet<>(peers);
      u2.add(self);
      requireAtLeastThreshold(u2.size(), "neighbours that shared keys");
      maskingPeers = peers;

      destroyShareKeys();
      MaskVector y = MaskVector.of(config.modulusBits(), input);
      y.addMask(selfMaskSeed, +1);
      for (int peer : peers) {
        SecretBytes seed = RoundKeys.pairwiseMaskSeed(id, self, peer,
            X25519.agree(maskingKeys.privateKey(), roster.get(peer).maskingKey()));
        y.addMask(seed, RoundKeys.maskSign(self, peer));
        seed.destroy();
      }
      return y.toMaskedInput(id, self);
    });
  }

  /** Stage 3: sign the survivor set the aggregator announced. */
  public ConsistencySignature consistencyCheck(SurvivorList list) {
    return step(Stage.CONSISTENCY_CHECK, () -> {
      checkAddressed(list.roundId(), list.recipient());
      SortedSet<Integer> u3 = list.survivors();
      if (!u3.contains(self)) {
        throw new ProtocolViolationException("site " + self + " sent its masked input but is not among the survivors");
      }
      int inNeighbourhood = 0;
      for (int site : u3) {
        if (!config.graph().contains(site)) {
          throw new UnknownSiteException("survivor " + site + " is not part of the round");
        }
        if (config.graph().areNeighbours(self, site)) {
          if (!maskingPeers.contains(site)) {
            throw new ProtocolViolationException("survivor " + site + " never shared keys with site " + self);
          }
          inNeighbourhood++;
        }
      }
      requireAtLeastThreshold(inNeighbourhood + 1, "surviving sites in the neighbourhood");
      survivors = u3;
      return new ConsistencySignature(id, self,
          Ed25519.sign(signingKey, ConsistencySignature.signedBytes(id, self, config, u3)));
    });
  }

  /**
   * Stage 4: check the neighbours' signatures over the same survivor set, then reveal for each
   * neighbour in U2 a share of its self-mask seed (if it survived) or of its masking key (if it
   * dropped out) — never both.
   */
  public UnmaskResponse unmask(ConsistencyBundle bundle) {
    return step(Stage.UNMASK, () -> {
      checkAddressed(bundle.roundId(), bundle.recipient());
      if (!bundle.survivors().equals(survivors)) {
        throw new ProtocolViolationException("the survivor set changed after site " + self + " signed it");
      }
      List<Integer> signers = new ArrayList<>();
      List<Ed25519.Signed> signatures = new ArrayList<>();
      for (Map.Entry<Integer, byte[]> e : bundle.signatures().entrySet()) {
        int signer = e.getKey();
        if (!survivors.contains(signer) || !(signer == self || config.graph().areNeighbours(self, signer))) {
          throw new UnknownSiteException("signature from site " + signer + ", not a surviving neighbour");
        }
        signers.add(signer);
        signatures.add(new Ed25519.Signed(config.signingKey(signer),
            ConsistencySignature.signedBytes(id, signer, config, survivors), e.getValue()));
      }
      int invalid = Ed25519.firstInvalid(signatures);
      if (invalid >= 0) {
        throw new TamperedMessageException("site " + signers.get(invalid)
            + "'s signature over the survivor set does not verify");
      }
      requireAtLeastThreshold(signers.size(), "consistent signatures");
      List<RevealedShare> shares = new ArrayList<>();
      List<Integer> owners = new ArrayList<>(maskingPeers);
      owners.add(self);
      for (int owner : owners) {
        if (survivors.contains(owner)) {
          shares.add(new RevealedShare(owner, RevealedShare.Kind.SELF_MASK_SEED, seedSharesHeld.get(owner).toBytes()));
        } else {
          shares.add(new RevealedShare(owner, RevealedShare.Kind.MASKING_KEY, keySharesHeld.get(owner).toBytes()));
        }
      }
      wipe();
      return new UnmaskResponse(id, self, shares);
    });
  }

  private <T> T step(Stage expected, Supplier<T> action) {
    if (stage != expected) {
      throw new StageViolationException("site " + self + " is at stage " + stage.code() + ", not " + expected.code());
    }
    try {
      T result = action.get();
      stage = stage.next();
      return result;
    } catch (SecAggException e) {
      abort();
      throw e;
    }
  }

  private void checkInput(long[] input) {
    if (input == null || input.length != config.vectorLength()) {
      throw new IllegalArgumentException("input length " + (input == null ? 0 : input.length)
          + " differs from the study's vector length " + config.vectorLength());
    }
    for (int i = 0; i < input.length; i++) {
      if ((input[i] & ~modulusMask) != 0) {
        throw new IllegalArgumentException("input element " + i + " is outside [0, 2^" + config.modulusBits() + ")");
      }
    }
  }

  private void checkAddressed(RoundId messageRound, int recipient) {
    if (!id.equals(messageRound)) {
      throw new ReplayedMessageException("message of " + messageRound + " presented in " + id);
    }
    if (recipient != self) {
      throw new UnknownSiteException("message for site " + recipient + " delivered to site " + self);
    }
  }

  private Map<Integer, AdvertiseKeys> checkedRoster(KeyRoster keyRoster) {
    Map<Integer, AdvertiseKeys> byId = new TreeMap<>();
    java.util.Set<ByteBuffer> keys = new java.util.HashSet<>();
    List<AdvertiseKeys> ads = keyRoster.advertisements();
    for (AdvertiseKeys ad : ads) {
      if (!id.equals(ad.roundId())) {
        throw new ReplayedMessageException("keys of " + ad.roundId() + " presented in " + id);
      }
      if (ad.sender() != self && !config.graph().areNeighbours(self, ad.sender())) {
        throw new UnknownSiteException("site " + ad.sender() + " is not a neighbour of site " + self);
      }
    }
    List<Ed25519.Signed> signatures = new ArrayList<>();
    for (AdvertiseKeys ad : ads) {
      signatures.add(ad.signed(config.signingKey(ad.sender())));
    }
    int invalid = Ed25519.firstInvalid(signatures);
    if (invalid >= 0) {
      throw new TamperedMessageException("site " + ads.get(invalid).sender() + "'s advertised keys do not verify");
    }
    for (AdvertiseKeys ad : ads) {
      if (byId.put(ad.sender(), ad) != null) {
        throw new DuplicateMessageException("site " + ad.sender() + " appears twice in the key roster");
      }
      if (!keys.add(ByteBuffer.wrap(ad.encryptionKey())) || !keys.add(ByteBuffer.wrap(ad.maskingKey()))) {
        throw new ProtocolViolationException("site " + ad.sender() + " advertised a key already in the roster");
      }
    }
    AdvertiseKeys own = byId.get(self);
    if (own == null || !java.util.Arrays.equals(own.maskingKey(), maskingKeys.publicKey())
        || !java.util.Arrays.equals(own.encryptionKey(), encryptionKeys.publicKey())) {
      throw new ProtocolViolationException("the key roster does not carry site " + self + "'s own keys");
    }
    requireAtLeastThreshold(byId.size(), "sites with keys in the neighbourhood");
    return byId;
  }

  private void openShare(EncryptedShare share) {
    int from = share.sender();
    if (share.recipient() != self) {
      throw new UnknownSiteException("share for site " + share.recipient() + " delivered to site " + self);
    }
    if (from == self || !roster.containsKey(from)) {
      throw new UnknownSiteException("share from site " + from + ", which has no keys in this neighbourhood");
    }
    if (seedSharesHeld.containsKey(from)) {
      throw new DuplicateMessageException("two shares from site " + from);
    }
    byte[] plain;
    try {
      plain = AesGcm.open(shareKey(from), share.ciphertext(), id.binding(Stage.SHARE_KEYS, from, self));
    } catch (AesGcm.AuthenticationFailedException e) {
      throw new TamperedMessageException("share from site " + from + " does not authenticate");
    }
    ByteBuffer in = ByteBuffer.wrap(plain);
    if (plain.length < 2 * INDEX_BYTES + 4 || in.getInt() != from || in.getInt() != self) {
      throw new TamperedMessageException("share from site " + from + " names other parties");
    }
    int half = (plain.length - 2 * INDEX_BYTES) / 2;
    byte[] seedShare = new byte[half];
    byte[] keyShare = new byte[half];
    in.get(seedShare).get(keyShare);
    seedSharesHeld.put(from, Share.fromBytes(seedShare));
    keySharesHeld.put(from, Share.fromBytes(keyShare));
    java.util.Arrays.fill(plain, (byte) 0);
    java.util.Arrays.fill(seedShare, (byte) 0);
    java.util.Arrays.fill(keyShare, (byte) 0);
  }

  private static byte[] sharePlaintext(int from, int to, Share seedShare, Share keyShare) {
    byte[] a = seedShare.toBytes();
    byte[] b = keyShare.toBytes();
    ByteBuffer out = ByteBuffer.allocate(2 * INDEX_BYTES + a.length + b.length);
    out.putInt(from).putInt(to).put(a).put(b);
    java.util.Arrays.fill(a, (byte) 0);
    java.util.Arrays.fill(b, (byte) 0);
    return out.array();
  }

  /**
   * The AES key of the shares between this site and {@code other}, both ways: one agreement per
   * neighbour, kept from sealing the site's shares (stage 1) to opening the neighbour's (stage 2).
   */
  private SecretBytes shareKey(int other) {
    return shareKeys.computeIfAbsent(other, o -> RoundKeys.shareEncryptionKey(id, self, o,
        X25519.agree(encryptionKeys.privateKey(), roster.get(o).encryptionKey())));
  }

  private void destroyShareKeys() {
    shareKeys.values().forEach(SecretBytes::destroy);
    shareKeys.clear();
  }

  private void requireAtLeastThreshold(int count, String what) {
    if (count < config.threshold()) {
      throw new RoundAbortedException(id + ": " + count + " " + what + ", fewer than the threshold "
          + config.threshold());
    }
  }

  private void abort() {
    stage = Stage.ABORTED;
    wipe();
  }

  private void wipe() {
    if (encryptionKeys != null) {
      encryptionKeys.privateKey().destroy();
    }
    if (maskingKeys != null) {
      maskingKeys.privateKey().destroy();
    }
    if (selfMaskSeed != null) {
      selfMaskSeed.destroy();
    }
    destroyShareKeys();
  }
}
