package org.fedfhir.securecompute.statistics;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Disclosure control at the site, on its own figures, before they are masked: the site contributes
 * a statistic only if every count its own vector reveals ({@link SufficientStatistic#disclosedCounts})
 * passes its {@link DisclosurePolicy}, as DataSHIELD's {@code nfilter} thresholds hold on each
 * server's own data (Gaye et al., "DataSHIELD: taking the analysis to the data, not the data to the
 * analysis", IJE 2014). So a small cell never leaves the site, not even masked, and the aggregator
 * never holds a sum in which it could be singled out by differencing releases.
 *
 * <p>The rules, per kind: counts and cross-tabulations — every cell; summaries — every group's
 * count, clipped count and bin counts; Welch — both groups' counts; Kaplan–Meier — every group's
 * at-risk, event and censored count per bucket; logistic regression — its rows, events and
 * non-events, and at least {@value LogisticRegression#ROWS_PER_COEFFICIENT} rows per coefficient.
 * A count {@code c} fails when {@link DisclosurePolicy#isSensitive} ({@code 0 < c < minCellCount},
 * or {@code c == 0} when zeros are suppressed).
 *
 * <p><b>The first-round vector</b>: each statistic's slice at its declared offset (zeros if the
 * site withholds it), then one contributor flag per statistic in declared order (1 contributed, 0
 * withheld, or passed with no record at all: an empty statistic adds nothing, so it is no
 * contribution): {@link #firstRoundLength}. The sum of the flags tells the aggregator how many sites
 * contributed each statistic, and it releases a statistic only when at least
 * {@value #MIN_CONTRIBUTORS} did. A later round ({@code STATISTICS_ITERATION}) keeps its length; a
 * regression the site withheld contributes zeros to it too.
 *
 * <p>One instance per run of a study at a site; rounds are sequential. Nothing here logs; what is
 * withheld is known only by the statistic's name.
 */
public final class SiteDisclosure {

  /** A statistic is released only when at least this many sites contributed it. */
  public static final int MIN_CONTRIBUTORS = 2;
  /** What a statistic released by fewer sites says instead of its figures. */
  public static final String WITHHELD = "withheld: fewer than " + MIN_CONTRIBUTORS
      + " sites passed their own disclosure checks";

  private final List<StatisticDeclaration> declarations;
  private final DisclosurePolicy policy;
  private volatile Set<String> withheld;

  /**
   * @param declarations the study's statistics, in order
   * @param policy what this site treats as sensitive: the stricter of its own and the study's
   */
  public SiteDisclosure(List<StatisticDeclaration> declarations, DisclosurePolicy policy) {
    this.declarations = List.copyOf(declarations);
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** @return the length of a site's first-round vector: every statistic's slice, then one flag per statistic */
  public static int firstRoundLength(List<StatisticDeclaration> declarations) {
    return declarations.stream().mapToInt(d -> d.statistic().length()).sum() + declarations.size();
  }

  /** @return the policy this site checks its own counts against */
  public DisclosurePolicy policy() {
    return policy;
  }

  /**
   * Whether this site may contribute {@code declaration} with its own vector {@code part}.
   *
   * @param part the statistic's slice of this site's first-round vector
   */
  public boolean passes(StatisticDeclaration declaration, double[] part) {
    long[] counts = declaration.statistic().disclosedCounts(part);
    for (long c : counts) {
      if (policy.isSensitive(c)) {
        return false;
      }
    }
    if (declaration instanceof StatisticDeclaration.Regression regression) {
      return counts[0] >= regression.logisticRegression().minimumRows();
    }
    return true;
  }

  /**
   * The site's first-round vector: the slices of the statistics it passes, zeros for those it
   * withholds, then the contributor flags. Remembers what it withheld for the later rounds.
   *
   * @param parts one slice per statistic, in declared order (from each statistic's encoder)
   * @throws IllegalArgumentException if a part is missing or has the wrong length
   */
  public double[] firstRound(List<double[]> parts) {
    if (parts.size() != declarations.size()) {
      throw new IllegalArgumentException(parts.size() + " parts for " + declarations.size() + " statistics");
    }
    double[] vector = new double[firstRoundLength(declarations)];
    int flags = vector.length - declarations.size();
    Set<String> out = new LinkedHashSet<>();
    int offset = 0;
    for (int s = 0; s < declarations.size(); s++) {
      StatisticDeclaration d = declarations.get(s);
      double[] part = parts.get(s);
      int length = d.statistic().length();
      if (part.length != length) {
        throw new IllegalArgumentException(d.name() + ": part has length " + part.length + ", expected " + length);
      }
      if (passes(d, part)) {
        System.arraycopy(part, 0, vector, offset, length);
        vector[flags + s] = empty(d, part) ? 0 : 1;
      } else {
        out.add(d.name());
      }
      offset += length;
    }
    withheld = Collections.unmodifiableSet(out);
    return vector;
  }

  /** Whether the site has no record in the statistic: every count it would reveal is 0. */
  private static boolean empty(StatisticDeclaration declaration, double[] part) {
    return Arrays.stream(declaration.statistic().disclosedCounts(part)).allMatch(c -> c == 0);
  }

  /**
   * A later round's vector (the regressions' Newton parts in declared order) with the slices of
   * the regressions this site withheld in the first round set to zero.
   *
   * @throws IllegalStateException before the first round
   */
  public double[] iteration(double[] vector) {
    if (withheld == null) {
      throw new IllegalStateException("a later round before the first round of the run");
    }
    double[] out = vector.clone();
    int offset = 0;
    for (StatisticDeclaration d : declarations) {
      if (!d.iterative()) {
        continue;
      }
      int length = d.statistic().length();
      if (withheld.contains(d.name())) {
        Arrays.fill(out, offset, offset + length, 0);
      }
      offset += length;
    }
    if (offset != out.length) {
      throw new IllegalArgumentException("vector has length " + out.length + ", expected " + offset);
    }
    return out;
  }

  /** @return the names of the statistics this site withheld in the first round (empty before it) */
  public Set<String> withheld() {
    return withheld == null ? Set.of() : withheld;
  }
}
