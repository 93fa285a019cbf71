package org.fedfhir.securecompute.statistics;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Time to event from an index date: Kaplan–Meier survival curves per group (Kaplan and Meier,
 * "Nonparametric estimation from incomplete observations", JASA 1958) with Greenwood's standard
 * errors, and the log-rank test between two groups (Mantel, "Evaluation of survival data and two
 * new rank order statistics arising in its consideration", Cancer Chemotherapy Reports 1966),
 * from per-time-bucket at-risk and event counts.
 *
 * <p><b>The longitudinal encoding.</b> The study declares bucket edges
 * {@code 0 = t_0 < t_1 < … < t_B} in a time unit (days by default). For each patient the site
 * computes the time T from the index date (e.g. the first diagnosis) to the event (e.g. a
 * Condition, or an Observation crossing a threshold) or, without an event, to the patient's last
 * record (censoring); {@link Record#fromDates} does this on dates. The patient is <em>at
 * risk</em> in every bucket [t_b, t_{b+1}) with {@code t_b ≤ T}, and is an <em>event</em> in the
 * bucket containing T if the event happened. Times at or beyond t_B are censored at the end of
 * the window; negative times (event before the index date) are left out. Per group and bucket the
 * site sends {@code [at risk, events]}: 2B numbers per group, in declared order.
 *
 * <p><b>Estimates.</b> Within a bucket all events are taken as tied at its end and censorings as
 * after them (the usual convention for grouped times), so with one bucket per distinct time the
 * curve is exactly the classical Kaplan–Meier estimator. {@code S(t_{b+1}) = Π (1 − d_j/n_j)},
 * Greenwood: {@code Var S = S² Σ d_j / (n_j (n_j − d_j))}. Log-rank (two groups): O − E and its
 * hypergeometric variance {@code Σ n_A n_B d (n − d) / (n² (n − 1))} over the released
 * intervals, chi-square with one degree of freedom.
 *
 * <p><b>Release</b> (one partition for all groups, so the curves and the test use the same
 * released counts): the follow-up is cut at the first bucket where some group's at-risk count is
 * sensitive (from there on, nothing is released); a bucket where some group's event count is
 * sensitive is merged with the following ones until every group's merged event count and merged
 * censored count (at risk at its start − at risk after it − its events: a difference of released
 * counts) are releasable (an interval that never becomes releasable before the cut is dropped).
 * Each released interval reports the at-risk count at its start and its events. The sites apply the
 * same rules to their own counts before masking ({@link #disclosedCounts}). Differential privacy
 * is not offered.
 */
public final class SurvivalAnalysis implements SufficientStatistic<SurvivalAnalysis.Record, SurvivalAnalysis.Result> {

  /** The single group of an ungrouped analysis. */
  public static final String ALL = "all";

  /**
   * One patient's follow-up.
   *
   * @param group the group's category, or null if missing
   * @param time time from the index date to the event or censoring, in the analysis' unit
   * @param event whether the event happened at {@code time} (else censored)
   */
  public record Record(String group, double time, boolean event) {

    /**
     * Follow-up in days on dates: to {@code event} if present, else censored at {@code lastRecord}.
     *
     * @param index the index date (e.g. first diagnosis)
     * @param event the event's date, or null if none
     * @param lastRecord the date of the patient's last record
     */
    public static Record fromDates(String group, LocalDate index, LocalDate event, LocalDate lastRecord) {
      Objects.requireNonNull(index, "index");
      if (event != null) {
        return new Record(group, ChronoUnit.DAYS.between(index, event), true);
      }
      return new Record(group, ChronoUnit.DAYS.between(index, Objects.requireNonNull(lastRecord, "lastRecord")), false);
    }
  }

  /**
   * One released interval of a group's curve.
   *
   * @param start interval start
   * @param end interval end
   * @param atRisk patients at risk at its start
   * @param events events in it
   * @param survival the Kaplan–Meier estimate at its end
   * @param standardError Greenwood's standard error of {@code survival}
   */
  public record Step(double start, double end, long atRisk, long events, double survival, double standardError) {}

  /** The released curve of one group. */
  public record Curve(String group, List<Step> steps) {}

  /**
   * The log-rank test of the first group against the second.
   *
   * @param observed events in the first group
   * @param expected their expectation under equal hazards
   * @param variance the hypergeometric variance of O − E
   * @param chiSquare (O − E)² / V
   * @param pValue P(χ²_1 ≥ chiSquare)
   */
  public record LogRank(double observed, double expected, double variance, double chiSquare, double pValue) {}

  /**
   * The released analysis.
   *
   * @param releasedUntil the end of the last released interval (follow-up beyond it suppressed)
   * @param suppressed what is suppressed or merged, as labels
   */
  public record Result(String name, String timeUnit, String groupVariable, List<Curve> curves,
      Optional<LogRank> logRank, double releasedUntil, List<String> suppressed, int sites) {}

  private final String name;
  private final String groupVariable;
  private final List<String> groups;
  private final double[] edges;
  private final String timeUnit;

  /**
   * @param name the statistic's name
   * @param groupVariable the grouping variable, or null when ungrouped
   * @param groups its categories (ignored when ungrouped); the log-rank test needs exactly two
   * @param bucketEdges {@code 0 = t_0 < t_1 < … < t_B}, B ≥ 1
   * @param timeUnit the unit of the times, e.g. {@code d}
   */
  public SurvivalAnalysis(String name, String groupVariable, List<String> groups, double[] bucketEdges,
      String timeUnit) {
    this.name = Objects.requireNonNull(name, "name");
    this.groupVariable = groupVariable;
    this.groups = groupVariable == null ? List.of(ALL) : List.copyOf(groups);
    if (this.groups.isEmpty() || new HashSet<>(this.groups).size() != this.groups.size()) {
      throw new IllegalArgumentException("groups must be a non-empty list of distinct categories");
    }
    this.edges = bucketEdges.clone();
    if (edges.length < 2 || edges[0] != 0) {
      throw new IllegalArgumentException("bucket edges must start at 0 and hold at least 2 edges");
    }
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i] > edges[i - 1]) || !Double.isFinite(edges[i])) {
        throw new IllegalArgumentException("bucket edges must increase strictly (edge " + i + ")");
      }
    }
    this.timeUnit = Objects.requireNonNull(timeUnit, "timeUnit");
  }

  /** Edges 0, width, 2·width, …, buckets·width. */
  public static double[] evenBuckets(double width, int buckets) {
    double[] e = new double[buckets + 1];
    for (int i = 0; i <= buckets; i++) {
      e[i] = i * width;
    }
    return e;
  }

  @Override
  public String name() {
    return name;
  }

  private int buckets() {
    return edges.length - 1;
  }

  @Override
  public int length() {
    return groups.size() * 2 * buckets();
  }

  @Override
  public double maxAbsCoordinate(int maxRecordsPerSite) {
    return maxRecordsPerSite;
  }

  @Override
  public double[] encode(List<Record> records) {
    double[] v = new double[length()];
    for (Record r : records) {
      if (r.group() == null || Double.isNaN(r.time()) || r.time() < 0) {
        continue;
      }
      int g = groups.indexOf(r.group());
      if (g < 0) {
        continue;
      }
      int offset = g * 2 * buckets();
      for (int b = 0; b < buckets(); b++) {
        if (edges[b] > r.time()) {
          break;
        }
        v[offset + 2 * b] += 1;
        if (r.event() && r.time() < edges[b + 1]) {
          v[offset + 2 * b + 1] += 1;
        }
      }
    }
    return v;
  }

  /**
   * Layout: per group and bucket in the declared order, {@code [at risk, events, censored]}, where
   * the censored count {@code at risk(b) − at risk(b+1) − events(b)} follows from the others (the
   * last bucket's counts those followed to the end of the window too): {@code 3B} counts per group.
   */
  @Override
  public long[] disclosedCounts(double[] siteVector) {
    if (siteVector.length != length()) {
      throw new IllegalArgumentException("vector has length " + siteVector.length + ", expected " + length());
    }
    int nb = buckets();
    long[] counts = new long[groups.size() * 3 * nb];
    for (int k = 0; k < groups.size(); k++) {
      for (int b = 0; b < nb; b++) {
        long atRisk = Math.round(siteVector[k * 2 * nb + 2 * b]);
        long events = Math.round(siteVector[k * 2 * nb + 2 * b + 1]);
        long next = b + 1 < nb ? Math.round(siteVector[k * 2 * nb + 2 * (b + 1)]) : 0;
        int at = (k * nb + b) * 3;
        counts[at] = atRisk;
        counts[at + 1] = events;
        counts[at + 2] = atRisk - next - events;
      }
    }
    return counts;
  }

  @Override
  public Result withheld(String reason, int sites) {
    List<Curve> curves = groups.stream().map(g -> new Curve(g, List.<Step>of())).toList();
    return new Result(name, timeUnit, groupVariable, curves, Optional.empty(), 0, List.of(reason), sites);
  }

  @Override
  public Result combine(double[] sum, Release release) {
    if (sum.length != length()) {
      throw new IllegalArgumentException("sum has length " + sum.length + ", expected " + length());
    }
    if (release.privacy().isPresent()) {
      throw new IllegalArgumentException(name + ": differential privacy is not offered for survival analysis");
    }
    int g = groups.size();
    int nb = buckets();
    long[][] atRisk = new long[g][nb];
    long[][] events = new long[g][nb];
    for (int k = 0; k < g; k++) {
      for (int b = 0; b < nb; b++) {
        atRisk[k][b] = Math.round(sum[k * 2 * nb + 2 * b]);
        events[k][b] = Math.round(sum[k * 2 * nb + 2 * b + 1]);
      }
    }
    DisclosurePolicy policy = release.policy();
    List<String> suppressed = new ArrayList<>();
    int cut = nb;
    for (int b = 0; b < nb && cut == nb; b++) {
      for (int k = 0; k < g; k++) {
        if (policy.isSensitive(atRisk[k][b])) {
          cut = b;
          suppressed.add(String.format(Locale.ROOT, "follow-up from %s %s (at risk below the minimum)",
              fmt(edges[b]), timeUnit));
          break;
        }
      }
    }
    // partition [0, cut) into released intervals
    List<int[]> intervals = new ArrayList<>();
    int start = 0;
    for (int b = 0; b < cut; b++) {
      boolean releasable = true;
      for (int k = 0; k < g; k++) {
        long d = 0;
        for (int j = start; j <= b; j++) {
          d += events[k][j];
        }
        releasable &= !policy.isSensitive(d);
        // the censored count of [start, b] is the difference of released counts when the next
        // interval's at-risk count may be released
        if (b + 1 < cut) {
          releasable &= !policy.isSensitive(atRisk[k][start] - atRisk[k][b + 1] - d);
        }
      }
      if (releasable) {
        intervals.add(new int[] {start, b});
        if (b > start) {
          suppressed.add(String.format(Locale.ROOT, "buckets [%s, %s) %s merged", fmt(edges[start]),
              fmt(edges[b + 1]), timeUnit));
        }
        start = b + 1;
      }
    }
    if (start < cut) {
      suppressed.add(String.format(Locale.ROOT, "events in [%s, %s) %s (below the minimum, not merged)",
          fmt(edges[start]), fmt(edges[cut]), timeUnit));
    }
    double releasedUntil = intervals.isEmpty() ? 0 : edges[intervals.get(intervals.size() - 1)[1] + 1];
    long[][] n = new long[g][intervals.size()];
    long[][] d = new long[g][intervals.size()];
    List<Curve> curves = new ArrayList<>();
    for (int k = 0; k < g; k++) {
      List<Step> steps = new ArrayList<>();
      double s = 1;
      double greenwood = 0;
      for (int i = 0; i < intervals.size(); i++) {
        int[] iv = intervals.get(i);
        n[k][i] = atRisk[k][iv[0]];
        for (int j = iv[0]; j <= iv[1]; j++) {
          d[k][i] += events[k][j];
        }
        if (n[k][i] > 0) {
          s *= 1 - (double) d[k][i] / n[k][i];
          if (n[k][i] > d[k][i]) {
            greenwood += (double) d[k][i] / (n[k][i] * (double) (n[k][i] - d[k][i]));
          } else {
            greenwood = Double.NaN;
          }
        }
        steps.add(new Step(edges[iv[0]], edges[iv[1] + 1], n[k][i], d[k][i], s, s * Math.sqrt(greenwood)));
      }
      curves.add(new Curve(groups.get(k), List.copyOf(steps)));
    }
    Optional<LogRank> logRank = g == 2 ? logRank(n, d) : Optional.empty();
    return new Result(name, timeUnit, groupVariable, List.copyOf(curves), logRank, releasedUntil,
        List.copyOf(suppressed), release.sites());
  }

  private static Optional<LogRank> logRank(long[][] n, long[][] d) {
    double observed = 0;
    double expected = 0;
    double variance = 0;
    for (int i = 0; i < n[0].length; i++) {
      double total = n[0][i] + n[1][i];
      double deaths = d[0][i] + d[1][i];
      if (total < 1 || deaths == 0) {
        continue;
      }
      observed += d[0][i];
      expected += n[0][i] * deaths / total;
      if (total > 1) {
        variance += n[0][i] * (double) n[1][i] * deaths * (total - deaths) / (total * total * (total - 1));
      }
    }
    if (!(variance > 0)) {
      return Optional.empty();
    }
    double chi = (observed - expected) * (observed - expected) / variance;
    return Optional.of(new LogRank(observed, expected, variance, chi, Distributions.chiSquareUpperTail(chi, 1)));
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
