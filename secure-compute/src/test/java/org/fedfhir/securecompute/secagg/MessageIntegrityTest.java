package org.fedfhir.securecompute.secagg;

import org.fedfhir.securecompute.crypto.Ed25519;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Tampered, replayed, duplicate and misaddressed messages are rejected, each with its own exception. */
class MessageIntegrityTest {

  @Test
  void aFlippedBitInAnyEncryptedShareIsRejectedByItsRecipient() {
    SteppedRound template = new SteppedRound(Parties.full(3, 4), 0).until(Stage.MASKED_INPUT);
    EncryptedShare original = template.bundles.get(1).shares().get(0);
    int bits = original.ciphertext().length * 8;
    for (int bit = 0; bit < bits; bit++) {
      SteppedRound round = new SteppedRound(Parties.full(3, 4), 0).until(Stage.MASKED_INPUT);
      ShareBundle bundle = round.bundles.get(1);
      List<EncryptedShare> shares = new ArrayList<>(bundle.shares());
      byte[] c = shares.get(0).ciphertext();
      c[bit / 8] ^= (byte) (1 << (bit % 8));
      shares.set(0, new EncryptedShare(shares.get(0).sender(), 1, c));
      SiteRound site = round.sites.get(1);

      assertThatThrownBy(() -> site.maskedInput(new ShareBundle(round.id, 1, shares), round.inputs.get(1)))
          .as("bit %d", bit).isInstanceOf(TamperedMessageException.class);
      assertThat(site.stage()).isEqualTo(Stage.ABORTED);
    }
  }

  @Test
  void aShareRedirectedToAnotherRecipientIsRejected() {
    SteppedRound round = new SteppedRound(Parties.full(3, 4), 0).until(Stage.MASKED_INPUT);
    EncryptedShare fromSite3ToSite2 = round.bundles.get(2).shares().stream()
        .filter(s -> s.sender() == 3).findFirst().orElseThrow();
    EncryptedShare fromSite2 = round.bundles.get(1).shares().stream()
        .filter(s -> s.sender() == 2).findFirst().orElseThrow();
    EncryptedShare redirected = new EncryptedShare(3, 1, fromSite3ToSite2.ciphertext());
    assertThatThrownBy(() -> round.sites.get(1).maskedInput(
        new ShareBundle(round.id, 1, List.of(fromSite2, redirected)), round.inputs.get(1)))
        .isInstanceOf(TamperedMessageException.class);
  }

  @Test
  void aFlippedBitInAdvertisedKeysOrSignaturesIsRejectedByTheAggregator() {
    SteppedRound round = new SteppedRound(Parties.full(3, 4), 0);
    AdvertiseKeys ad = round.sites.get(1).advertiseKeys();
    byte[] key = ad.maskingKey();
    key[5] ^= 0x10;
    assertThatThrownBy(() -> round.aggregator.receive(
        new AdvertiseKeys(round.id, 1, ad.encryptionKey(), key, ad.signature())))
        .isInstanceOf(TamperedMessageException.class);
    byte[] signature = ad.signature();
    signature[63] ^= 1;
    assertThatThrownBy(() -> round.aggregator.receive(
        new AdvertiseKeys(round.id, 1, ad.encryptionKey(), ad.maskingKey(), signature)))
        .isInstanceOf(TamperedMessageException.class);
    round.aggregator.receive(ad);
    assertThat(round.aggregator.participants(Stage.ADVERTISE_KEYS)).containsExactly(1);
  }

  @Test
  void aTamperedConsistencySignatureIsRejectedAndTheRoundGoesOn() {
    SteppedRound round = new SteppedRound(Parties.full(4, 4), 0).until(Stage.CONSISTENCY_CHECK);
    ConsistencySignature genuine = round.sites.get(1).consistencyCheck(round.survivorLists.get(1));
    byte[] sig = genuine.signature();
    sig[0] ^= 1;
    assertThatThrownBy(() -> round.aggregator.receive(new ConsistencySignature(round.id, 1, sig)))
        .isInstanceOf(TamperedMessageException.class);
    round.aggregator.receive(genuine);
    for (int site = 2; site <= 4; site++) {
      round.aggregator.receive(round.sites.get(site).consistencyCheck(round.survivorLists.get(site)));
    }
    round.consistencyBundles = round.aggregator.closeConsistency();
    round.unmask();
    assertThat(round.sum).isEqualTo(Parties.plainSum(round.inputs, List.of(1, 2, 3, 4), 4));
  }

  @Test
  void aMessageFromRoundRIsRejectedInRoundRPlusOne() {
    Parties parties = Parties.full(3, 4);
    SteppedRound previous = new SteppedRound(parties, 7).until(Stage.COMPLETED);
    SteppedRound next = new SteppedRound(parties, 8);

    assertThatThrownBy(() -> next.aggregator.receive(previous.advertised.get(1)))
        .isInstanceOf(ReplayedMessageException.class).hasMessageContaining("round 7").hasMessageContaining("round 8");
    AdvertiseKeys old = previous.advertised.get(1);
    AdvertiseKeys relabelled = new AdvertiseKeys(next.id, 1, old.encryptionKey(), old.maskingKey(), old.signature());
    assertThatThrownBy(() -> next.aggregator.receive(relabelled)).isInstanceOf(TamperedMessageException.class);

    next.until(Stage.MASKED_INPUT);
    assertThatThrownBy(() -> next.aggregator.receive(previous.maskedInputs.get(2)))
        .isInstanceOf(ReplayedMessageException.class);
    assertThatThrownBy(() -> next.sites.get(1).maskedInput(previous.bundles.get(1), next.inputs.get(1)))
        .isInstanceOf(ReplayedMessageException.class);
  }

  @Test
  void aMessageOfAnotherStudyIsRejected() {
    Parties parties = Parties.full(3, 4);
    SteppedRound round = new SteppedRound(parties, 1);
    AdvertiseKeys ad = round.sites.get(1).advertiseKeys();
    RoundId otherStudy = new RoundId("http://fedfhir.org/fhir/PlanDefinition/other", 1);
    assertThatThrownBy(() -> new AggregatorRound(parties.config, otherStudy)).isInstanceOf(IllegalArgumentException.class);
    AdvertiseKeys moved = new AdvertiseKeys(otherStudy, 1, ad.encryptionKey(), ad.maskingKey(), ad.signature());
    assertThatThrownBy(() -> round.aggregator.receive(moved)).isInstanceOf(ReplayedMessageException.class);
  }

  @Test
  void aDuplicateIsRejectedAndTheFirstMessageStands() {
    SteppedRound round = new SteppedRound(Parties.full(3, 5), 0).until(Stage.MASKED_INPUT);
    MaskedInput first = round.sites.get(1).maskedInput(round.bundles.get(1), round.inputs.get(1));
    round.aggregator.receive(first);
    assertThatThrownBy(() -> round.aggregator.receive(first)).isInstanceOf(DuplicateMessageException.class);
    assertThatThrownBy(() -> round.aggregator.receive(new MaskedInput(round.id, 1, new long[5], 32)))
        .isInstanceOf(DuplicateMessageException.class);
    for (int site = 2; site <= 3; site++) {
      round.aggregator.receive(round.sites.get(site).maskedInput(round.bundles.get(site), round.inputs.get(site)));
    }
    round.survivorLists = round.aggregator.closeMasking();
    round.check().unmask();
    assertThat(round.sum).isEqualTo(Parties.plainSum(round.inputs, List.of(1, 2, 3), 5));
  }

  @Test
  void aVectorOfTheWrongLengthIsRefusedAndTheRoundGoesOnWithTheOthers() {
    SteppedRound round = new SteppedRound(Parties.full(4, 6), 0).until(Stage.MASKED_INPUT);
    assertThatThrownBy(() -> round.aggregator.receive(new MaskedInput(round.id, 4, new long[5], 32)))
        .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("5 elements");
    round.mask(4).check().unmask();
    assertThat(round.sum).isEqualTo(Parties.plainSum(round.inputs, List.of(1, 2, 3), 6));
  }

  @Test
  void anUnknownSiteIsRejected() {
    SteppedRound round = new SteppedRound(Parties.full(3, 4), 0);
    AdvertiseKeys ad = round.sites.get(1).advertiseKeys();
    assertThatThrownBy(() -> round.aggregator.receive(
        new AdvertiseKeys(round.id, 9, ad.encryptionKey(), ad.maskingKey(), ad.signature())))
        .isInstanceOf(UnknownSiteException.class);
  }

  @Test
  void sitesRefuseAnAggregatorThatTellsThemDifferentSurvivorSets() {
    SteppedRound round = new SteppedRound(Parties.full(4, 4), 0).until(Stage.CONSISTENCY_CHECK);
    // The aggregator tells site 4 that site 1 dropped out, to learn site 1's masking key from it.
    SurvivorList lie = new SurvivorList(round.id, 4, new TreeSet<>(List.of(2, 3, 4)));
    ConsistencySignature site4 = round.sites.get(4).consistencyCheck(lie);
    Map<Integer, byte[]> sigs = new TreeMap<>();
    sigs.put(4, site4.signature());
    for (int site = 2; site <= 3; site++) {
      sigs.put(site, round.sites.get(site).consistencyCheck(round.survivorLists.get(site)).signature());
    }
    ConsistencyBundle toSite4 = new ConsistencyBundle(round.id, 4, new TreeSet<>(List.of(2, 3, 4)), sigs);

    assertThatThrownBy(() -> round.sites.get(4).unmask(toSite4)).isInstanceOf(TamperedMessageException.class);
    assertThat(round.sites.get(4).stage()).isEqualTo(Stage.ABORTED);
  }

  @Test
  void sitesRefuseAnAggregatorThatToldThemDifferentThresholds() {
    // Site 4 was told t = 4; site 2, with the same keys and roster, was told t = 3 (lower, so fewer
    // shares open a secret). Each signs what it was told; site 4 must not accept site 2's view.
    Parties toldFour = new Parties(4, 4, NeighbourGraph.Kind.FULL, 4, 42);
    Parties toldThree = new Parties(4, 4, NeighbourGraph.Kind.FULL, 3, 42);
    SteppedRound round = new SteppedRound(toldFour, 0).until(Stage.UNMASK);
    ConsistencyBundle honest = round.consistencyBundles.get(4);
    Map<Integer, byte[]> sigs = new TreeMap<>(honest.signatures());
    sigs.put(2, Ed25519.sign(toldThree.signingKeys.get(2),
        ConsistencySignature.signedBytes(round.id, 2, toldThree.config, honest.survivors())));
    ConsistencyBundle mixed = new ConsistencyBundle(round.id, 4, honest.survivors(), sigs);

    assertThatThrownBy(() -> round.sites.get(4).unmask(mixed)).isInstanceOf(TamperedMessageException.class)
        .hasMessageContaining("site 2");
    assertThat(round.sites.get(4).stage()).isEqualTo(Stage.ABORTED);
    assertThat(toldThree.config.publicParametersDigest()).isNotEqualTo(toldFour.config.publicParametersDigest());
  }

  @Test
  void theAggregatorRefusesASiteRevealingBothSecretsOfOneSite() {
    SteppedRound round = new SteppedRound(Parties.full(3, 4), 0).until(Stage.UNMASK);
    UnmaskResponse honest = round.sites.get(1).unmask(round.consistencyBundles.get(1));
    List<RevealedShare> both = new ArrayList<>(honest.shares());
    RevealedShare seedShareOf2 = both.stream().filter(s -> s.owner() == 2).findFirst().orElseThrow();
    both.add(new RevealedShare(2, RevealedShare.Kind.MASKING_KEY, seedShareOf2.share()));
    assertThatThrownBy(() -> round.aggregator.receive(new UnmaskResponse(round.id, 1, both)))
        .isInstanceOf(ProtocolViolationException.class).hasMessageContaining("its input is in the sum");
  }
}
