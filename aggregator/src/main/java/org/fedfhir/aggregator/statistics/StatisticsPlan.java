package org.fedfhir.aggregator.statistics;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.fedfhir.aggregator.round.ProtocolViolation;
import org.fedfhir.aggregator.round.ProtocolViolation.Kind;
import org.fedfhir.aggregator.round.RoundPlan;
import org.fedfhir.aggregator.store.StudyPlan;
import org.fedfhir.aggregator.strategy.ModelVector;
import org.fedfhir.federation.v1.FixedPointEncoding;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Join;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundEnd;
import org.fedfhir.federation.v1.RoundStart;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.LogisticRegression;
import org.fedfhir.securecompute.statistics.PrivacyBudgetExhaustedException;
import org.fedfhir.securecompute.statistics.PrivacyLedger;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.SiteDisclosure;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.StatisticsEncoding;
import org.fedfhir.securecompute.statistics.SufficientStatistic;

/**
 * The rounds of a statistics study: sites join and wait; each {@link #begin run} takes the sites
 * joined at that moment (at least the study's min-sites) and sums their concatenated sufficient
 * statistics in one round (phase {@code STATISTICS}, the study's {@link StatisticsEncoding}:
 * modulus 2^64, no wrap-around possible), then combines every statistic under the strictest
 * disclosure policy of the study and the participants, charging the ε of each differentially
 * private statistic to the study's ledger first. Each site has already checked its own figures
 * and withheld (sent zeros for) any statistic with a count under its policy; the round's vector
 * ends with one contributor flag per statistic ({@link SiteDisclosure}), so the sum says how many
 * sites contributed each: a statistic is combined over its contributors and released only when at
 * least {@value SiteDisclosure#MIN_CONTRIBUTORS} contributed it, else it says
 * {@value SiteDisclosure#WITHHELD}.
 *
 * <p>A study with {@code logistic-regression} statistics needs more rounds in the same run: the
 * first round carries each regression's Newton part at β = 0, and while a regression has not
 * converged ({@link LogisticRegression.Fit}) another round (phase {@code STATISTICS_ITERATION})
 * sums only the regressions' parts at the coefficients announced in {@code RoundStart.global_model},
 * among the previous round's contributors still joined. The sites thus learn the iterates β.
 *
 * <p>Dropouts: the result covers the sites in the sum and says how many; if the first round aborts
 * (or the ε budget cannot pay) the run releases nothing; if a later round aborts, or fewer than
 * min-sites remain for it, the regressions end without a result and the other statistics stand.
 * A run's end ends its participants' sessions (a later run needs them to join again).
 *
 * <p>Pure: the ledger is handed in, the outcome is a list of results that the FHIR edge renders
 * ({@link StatisticsResults}). Never kept: the sum, zeroed once combined.
 */
public final class StatisticsPlan implements RoundPlan {

  /** A run's results: per statistic its result (a regression's may be a failed fit), over {@code sites}. */
  public record Outcome(List<Object> results, int sites, int firstRound) {}

  private final StudyPlan plan;
  private final StatisticsDeclarations.Study study;
  private final List<SufficientStatistic<?, ?>> statistics;
  private final Supplier<Optional<PrivacyLedger>> ledger;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, DisclosurePolicy> policies = new HashMap<>();
  private Run run;

  /**
   * @param ledger the study's ε ledger, if it uses differential privacy
   */
  public StatisticsPlan(StudyPlan plan, StatisticsDeclarations.Study study,
      Supplier<Optional<PrivacyLedger>> ledger) {
    this.plan = plan;
    this.study = study;
    this.statistics = study.statistics().stream().<SufficientStatistic<?, ?>>map(StatisticDeclaration::statistic)
        .toList();
    this.ledger = ledger;
  }

  /** A run: its first round carries every statistic, each later round the regressions' Newton parts. */
  private static final class Run {
    final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    final List<String> participants;
    /** Per statistic, its result; for a regression, null until its fit is done. */
    final List<Object> results = new ArrayList<>();
    /** Per regression's index among the statistics, its fit. */
    final Map<Integer, LogisticRegression.Fit> fits = new TreeMap<>();
    /** Per regression's index, how many sites contributed it in the first round. */
    final Map<Integer, Integer> contributed = new HashMap<>();
    int firstRound;
    int sites;
    /** The sites of the last round's sum; null before the first round completed. */
    List<String> contributors;
    /** The round in flight: what it sums and under which policy. */
    List<SufficientStatistic<?, ?>> parts;
    DisclosurePolicy policy;
    /** Why the run released nothing, once it did. */
    StatisticsRunRefused refused;
    StatisticsRunRefused.Kind abortKind = StatisticsRunRefused.Kind.ABORTED;

    Run(List<String> participants) {
      this.participants = List.copyOf(participants);
    }

    boolean iterating() {
      return fits.values().stream().anyMatch(f -> !f.done());
    }

    void failFits(String reason) {
      fits.values().stream().filter(f -> !f.done()).forEach(f -> f.fail(reason));
    }
  }

  /** @return the most rounds a run can take: one, or one per Newton iteration */
  public int maxRoundsPerRun() {
    return study.statistics().stream().anyMatch(StatisticDeclaration::iterative)
        ? LogisticRegression.MAX_ITERATIONS : 1;
  }

  /** True while a run is in flight. */
  public boolean running() {
    return run != null;
  }

  /** Refuses a run while one is in flight. */
  public void checkIdle() throws StatisticsRunRefused {
    if (run != null) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.BUSY, "a run of " + plan.ref() + " is in flight");
    }
  }

  /**
   * Begins a run among {@code joined}.
   *
   * @return completes with the run's outcome, or exceptionally with a {@link StatisticsRunRefused}
   *     of kind {@code ABORTED} or {@code BUDGET_EXHAUSTED}
   * @throws StatisticsRunRefused if fewer than min-sites joined, a run is in flight, or the ε
   *     budget cannot pay for the study's statistics
   */
  public CompletableFuture<Outcome> begin(List<String> joined) throws StatisticsRunRefused {
    if (joined.size() < plan.minSites()) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.TOO_FEW_SITES, joined.size()
          + " site(s) joined " + plan.ref() + "; the study needs at least " + plan.minSites()
          + " (min-sites): each site joins with POST [site]/PlanDefinition/{id}/$secure-stats");
    }
    checkIdle();
    Optional<PrivacyLedger> l = ledger.get();
    double epsilon = study.statistics().stream().mapToDouble(d -> d.epsilon().orElse(0.0)).sum();
    if (l.isPresent() && epsilon > l.get().remaining() + 1e-12) {
      throw new StatisticsRunRefused(StatisticsRunRefused.Kind.BUDGET_EXHAUSTED, "the statistics of " + plan.ref()
          + " spend ε " + epsilon + " but only " + l.get().remaining() + " of the study's budget "
          + l.get().budget() + " is left");
    }
    Run r = new Run(joined);
    for (int i = 0; i < statistics.size(); i++) {
      StatisticDeclaration d = study.statistics().get(i);
      r.results.add(null);
      if (d instanceof StatisticDeclaration.Regression regression) {
        r.fits.put(i, regression.logisticRegression().fit());
      }
    }
    run = r;
    return r.outcome;
  }

  @Override
  public String needs() {
    return "the study's statistics need";
  }

  @Override
  public void admit(String site, Join join) throws ProtocolViolation {
    if (join.getModelDimension() != study.length()) {
      throw new ProtocolViolation(Kind.DEFINITION_MISMATCH, "site '" + site + "' contributes "
          + join.getModelDimension() + " numbers; the study's statistics have " + study.length());
    }
    int min = join.hasDisclosure() && join.getDisclosure().getMinCellCount() > 0
        ? join.getDisclosure().getMinCellCount() : DisclosurePolicy.DEFAULT_MIN_CELL_COUNT;
    policies.put(site, new DisclosurePolicy(min, join.getDisclosure().getSuppressZeros()));
  }

  @Override
  public Step next(int completedRounds, List<String> joined) {
    Run r = run;
    if (r == null) {
      return new Wait();
    }
    if (r.refused != null) {
      run = null;
      return new End(r.participants, false, () -> r.outcome.completeExceptionally(r.refused));
    }
    if (r.contributors == null) {
      r.firstRound = completedRounds + 1;
      return new Start(round(r, completedRounds + 1, r.participants, true));
    }
    if (r.iterating()) {
      List<String> sites = r.contributors.stream().filter(joined::contains).toList();
      if (sites.size() >= plan.minSites()) {
        return new Start(round(r, completedRounds + 1, sites, false));
      }
      r.failFits("only " + sites.size() + " site(s) remained for the next iteration; the study needs "
          + plan.minSites() + " (min-sites)");
    }
    run = null;
    r.fits.forEach((s, fit) -> r.results.set(s, fit.result()));
    Outcome outcome = new Outcome(nullable(r.results), r.sites, r.firstRound);
    return new End(r.participants, false, () -> r.outcome.complete(outcome));
  }

  /** A copy that keeps nulls (List.copyOf would refuse them). */
  private static List<Object> nullable(List<Object> results) {
    return Collections.unmodifiableList(new ArrayList<>(results));
  }

  /**
   * A round of {@code r} among {@code sites}: the first carries every statistic, a later one the
   * regressions' Newton parts at their current coefficients (announced in the RoundStart).
   */
  private Round round(Run r, int number, List<String> sites, boolean first) {
    List<SufficientStatistic<?, ?>> parts = new ArrayList<>();
    List<Double> coefficients = new ArrayList<>();
    if (first) {
      parts.addAll(statistics);
    } else {
      for (LogisticRegression.Fit fit : r.fits.values()) {
        parts.add(fit.next());
        for (double c : fit.coefficients()) {
          coefficients.add(c);
        }
      }
    }
    StatisticsEncoding encoding = first
        ? StatisticsEncoding.forFirstRound(parts, study.maxRecordsPerSite(), sites.size())
        : StatisticsEncoding.forStudy(parts, study.maxRecordsPerSite(), sites.size());
    FixedPointEncoding wire = FixedPointEncoding.newBuilder().setModulusBits(StatisticsEncoding.MODULUS_BITS)
        .setFractionBits(encoding.codec().fractionalBits()).setClip(encoding.codec().clip()).build();
    List<DisclosurePolicy> sitePolicies = sites.stream().map(policies::get).toList();
    r.parts = List.copyOf(parts);
    r.policy = DisclosurePolicy.strictest(study.policy(), sitePolicies);
    Phase phase = first ? Phase.STATISTICS : Phase.STATISTICS_ITERATION;
    RoundStart.Builder announced = RoundStart.newBuilder().setEncoding(wire).setPhase(phase);
    if (!first) {
      announced.setGlobalModel(GlobalModel.newBuilder().addAllWeights(coefficients));
    }
    return new Round(number, phase, sites, encoding.length(), wire, announced.build());
  }

  @Override
  public Folded fold(Round round, double[] values, List<String> contributors) throws Unusable {
    Run r = run;
    boolean first = round.phase() == Phase.STATISTICS;
    try {
      combine(r, first, values, contributors.size());
    } catch (PrivacyBudgetExhaustedException | IllegalArgumentException e) {
      r.abortKind = StatisticsRunRefused.Kind.BUDGET_EXHAUSTED;
      throw new Unusable("nothing released: " + e.getMessage());
    } finally {
      Arrays.fill(values, 0);
    }
    if (first) {
      r.sites = contributors.size();
    }
    r.contributors = List.copyOf(contributors);
    // A statistics round produces no model: its record carries the placeholder model of dimension 1.
    return new Folded(ModelVector.zeros(1), new byte[0], Map.of(), RoundEnd.getDefaultInstance());
  }

  /**
   * Combines one round's sum: in the first round every statistic that at least
   * {@value SiteDisclosure#MIN_CONTRIBUTORS} sites contributed (the regressions take their first
   * Newton step), each over its contributors, in a later round the regressions that still iterate.
   */
  private void combine(Run r, boolean first, double[] values, int sites) throws PrivacyBudgetExhaustedException {
    int offset = 0;
    if (first) {
      int[] contributors = contributors(values);
      List<Object> results = new ArrayList<>(r.results);
      Optional<PrivacyLedger> l = ledger.get();
      for (int s = 0; s < statistics.size(); s++) {
        SufficientStatistic<?, ?> statistic = statistics.get(s);
        double[] part = Arrays.copyOfRange(values, offset, offset + statistic.length());
        offset += statistic.length();
        LogisticRegression.Fit fit = r.fits.get(s);
        if (contributors[s] < SiteDisclosure.MIN_CONTRIBUTORS) {
          if (fit != null) {
            fit.fail(SiteDisclosure.WITHHELD);
          } else {
            results.set(s, statistic.withheld(SiteDisclosure.WITHHELD, contributors[s]));
          }
          continue;
        }
        Release release = Release.of(r.policy, contributors[s]);
        if (fit != null) {
          r.contributed.put(s, contributors[s]);
          fit.accept(part, release);
          continue;
        }
        Optional<Double> epsilon = study.statistics().get(s).epsilon();
        if (epsilon.isPresent()) {
          release = release.withNoiseFromSites(l.orElseThrow(), epsilon.get(), study.epsilonDelta());
        }
        results.set(s, statistic.combine(part, release));
      }
      r.results.clear();
      r.results.addAll(results);
      return;
    }
    int p = 0;
    for (Map.Entry<Integer, LogisticRegression.Fit> e : r.fits.entrySet()) {
      LogisticRegression.Fit fit = e.getValue();
      int length = r.parts.get(p++).length();
      if (!fit.done()) {
        // at least this many of the sites in the sum contributed it: the first round's
        // contributors less every first-round site missing now
        int contributed = r.contributed.get(e.getKey()) - (r.sites - sites);
        if (contributed < SiteDisclosure.MIN_CONTRIBUTORS) {
          fit.fail(SiteDisclosure.WITHHELD);
        } else {
          fit.accept(Arrays.copyOfRange(values, offset, offset + length), Release.of(r.policy, contributed));
        }
      }
      offset += length;
    }
  }

  /** Per statistic, how many sites contributed it: the sum of the flags after the statistics' slices. */
  private int[] contributors(double[] values) {
    int flags = values.length - statistics.size();
    int[] counts = new int[statistics.size()];
    for (int s = 0; s < counts.length; s++) {
      counts[s] = (int) Math.round(values[flags + s]);
    }
    return counts;
  }

  @Override
  public void aborted(Round round, String reason) {
    Run r = run;
    if (round.phase() == Phase.STATISTICS) {
      r.refused = new StatisticsRunRefused(r.abortKind, "round " + round.number() + " of " + plan.ref()
          + " released nothing: " + reason);
      return;
    }
    // The first round's statistics stand; the regressions end without a release.
    r.failFits("round " + round.number() + " aborted: " + reason);
    r.abortKind = StatisticsRunRefused.Kind.ABORTED;
  }

  @Override
  public boolean roundEndToEveryJoinedSite() {
    return false;
  }
}
