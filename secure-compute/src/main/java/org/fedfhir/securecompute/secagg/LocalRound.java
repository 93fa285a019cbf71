package org.fedfhir.securecompute.secagg;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.fedfhir.securecompute.crypto.SecretBytes;

/**
 * Runs one secure-aggregation round among parties in one process, with no transport: the
 * aggregator and every site exchange their message values directly. For tests, benchmarks and
 * simulations; the federation carries the same values over gRPC.
 *
 * <p>A site listed in {@code dropouts} stops before sending its message of the given stage (and
 * sends nothing after). Per-site and aggregator CPU time and the bytes each site sends are
 * measured, and every message the aggregator receives or sends can be observed.
 */
public final class LocalRound {

  /** What one run produced and cost. */
  public record Result(long[] sum, Map<Integer, Long> siteNanos, long aggregatorNanos,
      Map<Integer, Long> bytesSent, Map<Stage, java.util.SortedSet<Integer>> participants) {}

  private final SecAggConfig config;
  private final Map<Integer, SecretBytes> signingKeys;
  private final SecureRandom random;
  private Consumer<Object> observer = message -> { };

  /** @param signingKeys each site's long-term Ed25519 private key */
  public LocalRound(SecAggConfig config, Map<Integer, SecretBytes> signingKeys, SecureRandom random) {
    this.config = config;
    this.signingKeys = Map.copyOf(signingKeys);
    this.random = random;
  }

  /** Sees every message the aggregator receives from sites and every message it sends to them. */
  public LocalRound observeAggregator(Consumer<Object> observer) {
    this.observer = observer;
    return this;
  }

  /**
   * Runs round {@code round} with the given inputs (one per site of the configuration).
   *
   * @param dropouts sites that drop out, and the stage whose message they never send
   * @throws RoundAbortedException when fewer than t sites remain at some stage
   */
  public Result run(long round, Map<Integer, long[]> inputs, Map<Integer, Stage> dropouts) {
    RoundId id = new RoundId(config.study(), round);
    Map<Integer, SiteRound> sites = new TreeMap<>();
    Map<Integer, Long> siteNanos = new TreeMap<>();
    Map<Integer, Long> bytes = new TreeMap<>();
    for (int site : config.sites()) {
      sites.put(site, new SiteRound(config, id, site, signingKeys.get(site), random));
      siteNanos.put(site, 0L);
      bytes.put(site, 0L);
    }
    AggregatorRound aggregator = new AggregatorRound(config, id);
    long[] aggregatorNanos = {0};

    Map<Integer, KeyRoster> rosters = collect(Stage.ADVERTISE_KEYS, sites, dropouts, siteNanos, bytes, aggregator,
        aggregatorNanos, (site, s) -> s.advertiseKeys(), aggregator::closeAdvertising);
    Map<Integer, ShareBundle> bundles = collect(Stage.SHARE_KEYS, sites, dropouts, siteNanos, bytes, aggregator,
        aggregatorNanos, (site, s) -> rosters.containsKey(site) ? s.shareKeys(rosters.get(site)) : null,
        aggregator::closeSharing);
    Map<Integer, SurvivorList> lists = collect(Stage.MASKED_INPUT, sites, dropouts, siteNanos, bytes, aggregator,
        aggregatorNanos, (site, s) -> bundles.containsKey(site) ? s.maskedInput(bundles.get(site), inputs.get(site)) : null,
        aggregator::closeMasking);
    Map<Integer, ConsistencyBundle> checks = collect(Stage.CONSISTENCY_CHECK, sites, dropouts, siteNanos, bytes,
        aggregator, aggregatorNanos, (site, s) -> lists.containsKey(site) ? s.consistencyCheck(lists.get(site)) : null,
        aggregator::closeConsistency);
    long[] sum = collect(Stage.UNMASK, sites, dropouts, siteNanos, bytes, aggregator, aggregatorNanos,
        (site, s) -> checks.containsKey(site) ? s.unmask(checks.get(site)) : null, aggregator::finish);

    Map<Stage, java.util.SortedSet<Integer>> participants = new TreeMap<>();
    for (Stage s : Stage.values()) {
      if (!s.isTerminal()) {
        participants.put(s, aggregator.participants(s));
      }
    }
    return new Result(sum, Collections.unmodifiableMap(siteNanos), aggregatorNanos[0],
        Collections.unmodifiableMap(bytes), participants);
  }

  private interface SiteStep {
    SiteMessage apply(int site, SiteRound round);
  }

  private interface Close<T> {
    T close();
  }

  private <T> T collect(Stage stage, Map<Integer, SiteRound> sites, Map<Integer, Stage> dropouts,
      Map<Integer, Long> siteNanos, Map<Integer, Long> bytes, AggregatorRound aggregator, long[] aggregatorNanos,
      SiteStep step, Close<T> close) {
    List<SiteMessage> messages = new ArrayList<>();
    for (Map.Entry<Integer, SiteRound> e : sites.entrySet()) {
      int site = e.getKey();
      Stage dropAt = dropouts.get(site);
      if (dropAt != null && dropAt.ordinal() <= stage.ordinal()) {
        continue;
      }
      long start = System.nanoTime();
      SiteMessage message = step.apply(site, e.getValue());
      siteNanos.merge(site, System.nanoTime() - start, Long::sum);
      if (message != null) {
        bytes.merge(site, message.payloadBytes(), Long::sum);
        messages.add(message);
      }
    }
    long start = System.nanoTime();
    for (SiteMessage message : messages) {
      observer.accept(message);
      aggregator.receive(message);
    }
    T out = close.close();
    aggregatorNanos[0] += System.nanoTime() - start;
    if (out instanceof Map<?, ?> map) {
      map.values().forEach(observer);
    }
    return out;
  }

  /** Convenience for tests and benchmarks: fresh long-term signing keys for sites 1..n. */
  public static Map<Integer, org.fedfhir.securecompute.crypto.Ed25519.KeyPair> signingKeys(int n, SecureRandom random) {
    Map<Integer, org.fedfhir.securecompute.crypto.Ed25519.KeyPair> keys = new HashMap<>();
    for (int site = 1; site <= n; site++) {
      keys.put(site, org.fedfhir.securecompute.crypto.Ed25519.generate(random));
    }
    return keys;
  }
}
