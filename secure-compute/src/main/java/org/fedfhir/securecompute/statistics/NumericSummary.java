package org.fedfhir.securecompute.statistics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Summary of a numeric variable, overall or per group: count, mean, variance and standard
 * deviation, a histogram on declared bins, quantiles read from the histogram, and the minimum and
 * maximum as intervals.
 *
 * <p><b>Bounds and clipping.</b> The study declares bounds [lower, upper]; a value outside them is
 * clipped to the nearer bound before anything is computed (and counted as clipped), so one
 * patient moves each sum by at most (upper − lower)/2 from the centre. Missing values (NaN) and
 * records of an undeclared group are left out. The bins' edges must start at {@code lower} and end
 * at {@code upper}; the last bin includes {@code upper}.
 *
 * <p><b>Encoding</b> (site-local), per group in the declared order:
 * {@code [n, Σ(x − c), Σ(x − c)², clipped, bin counts…]} with c the midpoint of the bounds.
 *
 * <p><b>Release.</b> A group whose count is sensitive is suppressed whole. Otherwise: the mean
 * and variance (they depend on no single bin); bins after {@link Suppression#line} against the
 * group's count; a quantile (grouped-data linear interpolation within its bin) only if its bin is
 * released and the cumulative counts it reveals leave every suppressed bin protected (the
 * released quantiles' bins cut the line into segments, each holding no suppressed bin or at
 * least two: {@link #segmentsProtected}); the clipped count unless sensitive.
 * <b>Minimum and maximum are not sums</b> and secure aggregation cannot give them exactly: they
 * are released as intervals derived from released bins only — the minimum lies between the lower
 * edge of the first bin not released as empty and the upper edge of the first released non-empty
 * bin (the maximum symmetrically) — and are empty when no non-empty bin is released.
 *
 * <p><b>Differential privacy</b> (optional): the bins, Σ(x − c) and Σ(x − c)² are noised, the
 * count is the sum of the noisy bins and the clipped count is not released. Either the sites
 * added their shares of discrete Gaussian noise before masking ({@link Release.Noise.AtSites},
 * {@code privacy.SiteNoise}: the sum is already private, nothing is added here), or this combiner
 * splits ε in three ({@link Release.Noise.AtAggregator}): discrete Laplace noise of scale 3/ε on
 * each bin, continuous Laplace noise of scale 3h/ε on Σ(x − c) and 3h²/ε on Σ(x − c)²,
 * h = (upper − lower)/2. Groups are disjoint, so ε is spent once for all groups (parallel
 * composition).
 */
public final class NumericSummary implements SufficientStatistic<NumericSummary.Value, NumericSummary.Result> {

  /** The single group of an ungrouped summary. */
  public static final String ALL = "all";

  /**
   * One patient's value.
   *
   * @param group the group's category ({@link #ALL} when ungrouped), or null if missing
   * @param value the value, NaN if missing
   */
  public record Value(String group, double value) {
    /** @return a value of an ungrouped summary */
    public static Value of(double value) {
      return new Value(ALL, value);
    }
  }

  /** A closed interval [lower, upper]. */
  public record Interval(double lower, double upper) {}

  /** One histogram bin [lower, upper) and its count, empty if suppressed. */
  public record Bin(double lower, double upper, OptionalLong count) {}

  /** The {@code level} quantile, empty if it cannot be released. */
  public record Quantile(double level, OptionalDouble value) {}

  /**
   * The released summary of one group. Everything but {@code group} is empty when the group's
   * count is suppressed.
   */
  public record Group(String group, OptionalLong count, OptionalDouble mean, OptionalDouble variance,
      OptionalDouble standardDeviation, Optional<Interval> minimum, Optional<Interval> maximum,
      List<Bin> histogram, List<Quantile> quantiles, OptionalLong clipped) {}

  /**
   * The released summary.
   *
   * @param suppressed labels of what is suppressed ("sex=0" for a whole group, "sex=1, chol in
   *     [80, 120)" for a bin, "sex=1, clipped")
   * @param sites how many sites the sums cover
   * @param epsilon ε spent, if differentially private
   */
  public record Result(String name, String variable, String groupVariable, double lower, double upper,
      List<Group> groups, List<String> suppressed, int sites, Optional<Double> epsilon) {}

  private final String name;
  private final String variable;
  private final String groupVariable;
  private final List<String> groups;
  private final double lower;
  private final double upper;
  private final double centre;
  private final double[] edges;
  private final double[] levels;

  /**
   * @param name the statistic's name
   * @param variable the summarised variable, e.g. {@code chol}
   * @param groupVariable the grouping variable, e.g. {@code sex}, or null when ungrouped
   * @param groups its categories (ignored when ungrouped)
   * @param lower lower bound
   * @param upper upper bound, &gt; lower
   * @param binEdges strictly increasing, from {@code lower} to {@code upper}, ≥ 2 edges
   * @param quantileLevels levels in (0, 1), e.g. 0.25, 0.5, 0.75
   */
  public NumericSummary(String name, String variable, String groupVariable, List<String> groups,
      double lower, double upper, double[] binEdges, double[] quantileLevels) {
    this.name = Objects.requireNonNull(name, "name");
    this.variable = Objects.requireNonNull(variable, "variable");
    this.groupVariable = groupVariable;
    this.groups = groupVariable == null ? List.of(ALL) : List.copyOf(groups);
    if (this.groups.isEmpty() || new HashSet<>(this.groups).size() != this.groups.size()) {
      throw new IllegalArgumentException("groups must be a non-empty list of distinct categories");
    }
    if (!(lower < upper) || !Double.isFinite(lower) || !Double.isFinite(upper)) {
      throw new IllegalArgumentException("bounds [" + lower + ", " + upper + "] must be finite with lower < upper");
    }
    this.lower = lower;
    this.upper = upper;
    this.centre = (lower + upper) / 2;
    this.edges = binEdges.clone();
    if (edges.length < 2 || edges[0] != lower || edges[edges.length - 1] != upper) {
      throw new IllegalArgumentException("bin edges must run from the lower bound " + lower
          + " to the upper bound " + upper + " (at least 2 edges)");
    }
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException("bin edges must increase strictly (edge " + i + ")");
      }
    }
    this.levels = quantileLevels.clone();
    for (double q : levels) {
      if (!(q > 0 && q < 1)) {
        throw new IllegalArgumentException("quantile level " + q + " outside (0, 1)");
      }
    }
  }

  /** Evenly spaced edges from {@code lower} to {@code upper}. */
  public static double[] evenEdges(double lower, double upper, int bins) {
    double[] e = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      e[i] = i == bins ? upper : lower + (upper - lower) * i / bins;
    }
    return e;
  }

  @Override
  public String name() {
    return name;
  }

  private int bins() {
    return edges.length - 1;
  }

  private int block() {
    return Moments.LENGTH + 1 + bins();
  }

  @Override
  public int length() {
    return groups.size() * block();
  }

  @Override
  public double maxAbsCoordinate(int maxRecordsPerSite) {
    double h = (upper - lower) / 2;
    return maxRecordsPerSite * Math.max(1, Math.max(h, h * h));
  }

  /** The bin of a value within the bounds. */
  int bin(double x) {
    int i = Arrays.binarySearch(edges, x);
    int bin = i >= 0 ? i : -i - 2;
    return Math.min(Math.max(bin, 0), bins() - 1);
  }

  @Override
  public double[] encode(List<Value> records) {
    double[] v = new double[length()];
    for (Value r : records) {
      if (r.group() == null || Double.isNaN(r.value())) {
        continue;
      }
      int g = groups.indexOf(r.group());
      if (g < 0) {
        continue;
      }
      int offset = g * block();
      double x = r.value();
      if (x < lower || x > upper) {
        v[offset + Moments.LENGTH] += 1;
        x = Math.max(lower, Math.min(upper, x));
      }
      Moments.add(v, offset, centre, x);
      v[offset + Moments.LENGTH + 1 + bin(x)] += 1;
    }
    return v;
  }

  /**
   * Layout: per group in the declared order, its count, its clipped count, then its bin counts
   * ({@code 2 + bins} counts per group).
   */
  @Override
  public long[] disclosedCounts(double[] siteVector) {
    if (siteVector.length != length()) {
      throw new IllegalArgumentException("vector has length " + siteVector.length + ", expected " + length());
    }
    long[] counts = new long[groups.size() * (2 + bins())];
    int k = 0;
    for (int g = 0; g < groups.size(); g++) {
      int offset = g * block();
      counts[k++] = Math.round(siteVector[offset]);
      for (int i = Moments.LENGTH; i < block(); i++) {
        counts[k++] = Math.round(siteVector[offset + i]);
      }
    }
    return counts;
  }

  @Override
  public Result withheld(String reason, int sites) {
    List<Group> out = new ArrayList<>();
    for (String g : groups) {
      out.add(new Group(g, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
          OptionalDouble.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), OptionalLong.empty()));
    }
    return new Result(name, variable, groupVariable, lower, upper, List.copyOf(out), List.of(reason), sites,
        Optional.empty());
  }

  @Override
  public Result combine(double[] sum, Release release) {
    if (sum.length != length()) {
      throw new IllegalArgumentException("sum has length " + sum.length + ", expected " + length());
    }
    Optional<Release.Privacy> privacy = release.chargeFor(name);
    DisclosurePolicy policy = release.policy();
    List<Group> out = new ArrayList<>();
    List<String> suppressed = new ArrayList<>();
    double h = (upper - lower) / 2;
    for (int g = 0; g < groups.size(); g++) {
      int offset = g * block();
      String label = groupVariable == null ? variable : groupVariable + "=" + groups.get(g);
      long[] bins = new long[bins()];
      double s1 = sum[offset + 1];
      double s2 = sum[offset + 2];
      long n;
      OptionalLong clipped;
      if (privacy.isPresent()) {
        Release.Privacy p = privacy.get();
        Optional<DiscreteLaplace> noise = p.centralNoise().map(DiscreteLaplace::new);
        n = 0;
        for (int b = 0; b < bins.length; b++) {
          bins[b] = Math.max(0, Math.round(sum[offset + Moments.LENGTH + 1 + b])
              + noise.map(x -> x.sample(3 / p.epsilon())).orElse(0L));
          n += bins[b];
        }
        s1 += noise.map(x -> x.continuous(3 * h / p.epsilon())).orElse(0.0);
        s2 = Math.max(0, s2 + noise.map(x -> x.continuous(3 * h * h / p.epsilon())).orElse(0.0));
        clipped = OptionalLong.empty();
      } else {
        n = Math.round(sum[offset]);
        for (int b = 0; b < bins.length; b++) {
          bins[b] = Math.round(sum[offset + Moments.LENGTH + 1 + b]);
        }
        long c = Math.round(sum[offset + Moments.LENGTH]);
        clipped = policy.isSensitive(c) ? OptionalLong.empty() : OptionalLong.of(c);
        if (clipped.isEmpty()) {
          suppressed.add(label + ", clipped");
        }
      }
      if (policy.isSensitive(n)) {
        suppressed.add(label);
        out.add(new Group(groups.get(g), OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
            OptionalDouble.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), OptionalLong.empty()));
        continue;
      }
      Moments.Estimate m = Moments.Estimate.of(n, s1, s2, centre);
      boolean[] hidden = Suppression.line(bins, policy);
      List<Bin> histogram = new ArrayList<>();
      for (int b = 0; b < bins.length; b++) {
        histogram.add(new Bin(edges[b], edges[b + 1], hidden[b] ? OptionalLong.empty() : OptionalLong.of(bins[b])));
        if (hidden[b]) {
          suppressed.add(label + ", " + variable + " in [" + fmt(edges[b]) + ", " + fmt(edges[b + 1]) + ")");
        }
      }
      List<Quantile> quantiles = new ArrayList<>();
      java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
      for (double q : levels) {
        int b = quantileBin(q, bins, n);
        boolean releasable = b >= 0 && !hidden[b];
        if (releasable) {
          java.util.TreeSet<Integer> tentative = new java.util.TreeSet<>(cuts);
          tentative.add(b);
          releasable = segmentsProtected(tentative, hidden);
          if (releasable) {
            cuts = tentative;
          }
        }
        quantiles.add(new Quantile(q, releasable ? quantile(q, bins, b, n) : OptionalDouble.empty()));
      }
      out.add(new Group(groups.get(g), OptionalLong.of(n), OptionalDouble.of(m.mean()),
          optional(m.variance()), optional(Math.sqrt(m.variance())), minimum(bins, hidden),
          maximum(bins, hidden), List.copyOf(histogram), List.copyOf(quantiles), clipped));
    }
    return new Result(name, variable, groupVariable, lower, upper, List.copyOf(out), List.copyOf(suppressed),
        release.sites(), privacy.map(Release.Privacy::epsilon));
  }

  private static OptionalDouble optional(double v) {
    return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** The bin holding the {@code level} quantile, or −1 if the group is empty. */
  static int quantileBin(double level, long[] bins, long n) {
    double target = level * n;
    double cumulative = 0;
    for (int b = 0; b < bins.length; b++) {
      if (bins[b] > 0 && cumulative + bins[b] >= target) {
        return b;
      }
      cumulative += bins[b];
    }
    return -1;
  }

  /**
   * Whether releasing quantiles in the bins {@code cuts} keeps every suppressed bin protected.
   * A quantile in bin b reveals the cumulative count below b, so the cuts split the line of bins
   * into segments whose sums become known: each segment must hold no suppressed bin or at least
   * two, exactly the rule of {@link Suppression#line} applied per segment.
   */
  static boolean segmentsProtected(java.util.SortedSet<Integer> cuts, boolean[] hidden) {
    int start = 0;
    List<Integer> bounds = new ArrayList<>(cuts);
    bounds.add(hidden.length);
    for (int end : bounds) {
      int count = 0;
      for (int b = start; b < end; b++) {
        count += hidden[b] ? 1 : 0;
      }
      if (count == 1) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }

  /** Grouped-data quantile: linear interpolation within its bin {@code b}. */
  OptionalDouble quantile(double level, long[] bins, int b, long n) {
    double cumulative = 0;
    for (int o = 0; o < b; o++) {
      cumulative += bins[o];
    }
    double fraction = (level * n - cumulative) / bins[b];
    return OptionalDouble.of(edges[b] + fraction * (edges[b + 1] - edges[b]));
  }

  private Optional<Interval> minimum(long[] bins, boolean[] hidden) {
    int firstNotEmpty = -1;
    for (int b = 0; b < bins.length; b++) {
      if (firstNotEmpty < 0 && (hidden[b] || bins[b] > 0)) {
        firstNotEmpty = b;
      }
      if (!hidden[b] && bins[b] > 0) {
        return Optional.of(new Interval(edges[firstNotEmpty], edges[b + 1]));
      }
    }
    return Optional.empty();
  }

  private Optional<Interval> maximum(long[] bins, boolean[] hidden) {
    int lastNotEmpty = -1;
    for (int b = bins.length - 1; b >= 0; b--) {
      if (lastNotEmpty < 0 && (hidden[b] || bins[b] > 0)) {
        lastNotEmpty = b;
      }
      if (!hidden[b] && bins[b] > 0) {
        return Optional.of(new Interval(edges[b], edges[lastNotEmpty + 1]));
      }
    }
    return Optional.empty();
  }
}
