package org.fedfhir.securecompute.secagg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A round driven one stage at a time, so tests can stop, inspect and interfere at any stage. */
final class SteppedRound {

  final Parties parties;
  final RoundId id;
  final Map<Integer, long[]> inputs;
  final Map<Integer, SiteRound> sites = new TreeMap<>();
  final AggregatorRound aggregator;
  final List<Object> aggregatorView = new ArrayList<>();

  final Map<Integer, AdvertiseKeys> advertised = new TreeMap<>();
  Map<Integer, KeyRoster> rosters;
  final Map<Integer, ShareKeys> shareKeys = new TreeMap<>();
  Map<Integer, ShareBundle> bundles;
  final Map<Integer, MaskedInput> maskedInputs = new TreeMap<>();
  Map<Integer, SurvivorList> survivorLists;
  final Map<Integer, ConsistencySignature> signatures = new TreeMap<>();
  Map<Integer, ConsistencyBundle> consistencyBundles;
  final Map<Integer, UnmaskResponse> unmaskResponses = new TreeMap<>();
  long[] sum;

  SteppedRound(Parties parties, long round) {
    this.parties = parties;
    this.id = new RoundId(parties.config.study(), round);
    this.inputs = parties.randomInputs();
    for (int site : parties.config.sites()) {
      sites.put(site, parties.site(id, site));
    }
    this.aggregator = new AggregatorRound(parties.config, id);
  }

  private void deliver(SiteMessage m) {
    aggregatorView.add(m);
    aggregator.receive(m);
  }

  SteppedRound advertise(int... absent) {
    for (var e : sites.entrySet()) {
      if (!contains(absent, e.getKey())) {
        AdvertiseKeys m = e.getValue().advertiseKeys();
        advertised.put(e.getKey(), m);
        deliver(m);
      }
    }
    rosters = aggregator.closeAdvertising();
    aggregatorView.addAll(rosters.values());
    return this;
  }

  SteppedRound share(int... absent) {
    for (var e : rosters.entrySet()) {
      if (!contains(absent, e.getKey())) {
        ShareKeys m = sites.get(e.getKey()).shareKeys(e.getValue());
        shareKeys.put(e.getKey(), m);
        deliver(m);
      }
    }
    bundles = aggregator.closeSharing();
    aggregatorView.addAll(bundles.values());
    return this;
  }

  SteppedRound mask(int... absent) {
    for (var e : bundles.entrySet()) {
      if (!contains(absent, e.getKey())) {
        MaskedInput m = sites.get(e.getKey()).maskedInput(e.getValue(), inputs.get(e.getKey()));
        maskedInputs.put(e.getKey(), m);
        deliver(m);
      }
    }
    survivorLists = aggregator.closeMasking();
    aggregatorView.addAll(survivorLists.values());
    return this;
  }

  SteppedRound check(int... absent) {
    for (var e : survivorLists.entrySet()) {
      if (!contains(absent, e.getKey())) {
        ConsistencySignature m = sites.get(e.getKey()).consistencyCheck(e.getValue());
        signatures.put(e.getKey(), m);
        deliver(m);
      }
    }
    consistencyBundles = aggregator.closeConsistency();
    aggregatorView.addAll(consistencyBundles.values());
    return this;
  }

  SteppedRound unmask(int... absent) {
    for (var e : consistencyBundles.entrySet()) {
      if (!contains(absent, e.getKey())) {
        UnmaskResponse m = sites.get(e.getKey()).unmask(e.getValue());
        unmaskResponses.put(e.getKey(), m);
        deliver(m);
      }
    }
    sum = aggregator.finish();
    return this;
  }

  /** Runs every stage up to (not including) {@code stage}, with no dropouts. */
  SteppedRound until(Stage stage) {
    if (stage.ordinal() > Stage.ADVERTISE_KEYS.ordinal()) {
      advertise();
    }
    if (stage.ordinal() > Stage.SHARE_KEYS.ordinal()) {
      share();
    }
    if (stage.ordinal() > Stage.MASKED_INPUT.ordinal()) {
      mask();
    }
    if (stage.ordinal() > Stage.CONSISTENCY_CHECK.ordinal()) {
      check();
    }
    if (stage.ordinal() > Stage.UNMASK.ordinal()) {
      unmask();
    }
    return this;
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
  }
}
