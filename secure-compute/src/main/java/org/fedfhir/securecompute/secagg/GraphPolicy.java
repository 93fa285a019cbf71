package org.fedfhir.securecompute.secagg;

/**
 * What a sparse SecAgg+ neighbour graph (Bell et al., CCS 2020) must withstand, and the degree k
 * and threshold t that follow for n sites. Each site's secrets are shared among its neighbourhood of
 * m = k + 1 sites (itself and its k neighbours, in a public pseudo-random order), so a round fails
 * in one of two ways, each bounded over all n neighbourhoods (union bound):
 *
 * <ul>
 *   <li><b>too few left</b>: more than m − t of a neighbourhood's sites do not answer, so a secret
 *       cannot be rebuilt and the round aborts — P[Binomial(m, dropout) > m − t];
 *   <li><b>a site's input exposed</b>: an aggregator that tells two groups of a site's neighbours
 *       different survivor sets gathers t shares of both of the site's secrets only if each group
 *       and the c corrupt neighbours reach t signatures, which needs 2t ≤ m + c (Bonawitz et al.
 *       2017, §6: t &gt; (n + n_C)/2, here per neighbourhood) — P[Binomial(k, corruption) ≥ 2t − m].
 * </ul>
 *
 * <p>The degree is the smallest even k whose best t keeps n·(both) ≤ {@code failureProbability};
 * when that k reaches n − 1 the graph is complete and the threshold is the complete graph's
 * (⌈2n/3⌉, {@link SecAggConfig#derivedThreshold}). "dropout" counts every site that stops answering,
 * honest or not; corrupt sites are those that share what they hold with the aggregator.
 *
 * @param dropout the fraction of sites that may not answer, in [0, 0.5)
 * @param corruption the fraction of sites that may collude with the aggregator, in [0, 0.5)
 * @param failureProbability the chance of either failure the round accepts, in (0, 0.01]
 */
public record GraphPolicy(double dropout, double corruption, double failureProbability) {

  /** 10 % dropouts, 2 % colluding sites, failure at most one round in a million. */
  public static final GraphPolicy DEFAULT = new GraphPolicy(0.1, 0.02, 1e-6);

  public GraphPolicy {
    if (!(dropout >= 0 && dropout < 0.5)) {
      throw new IllegalArgumentException("dropout " + dropout + " must be in [0, 0.5)");
    }
    if (!(corruption >= 0 && corruption < 0.5)) {
      throw new IllegalArgumentException("corruption " + corruption + " must be in [0, 0.5)");
    }
    if (!(failureProbability > 0 && failureProbability <= 0.01)) {
      throw new IllegalArgumentException("failure probability " + failureProbability + " must be in (0, 0.01]");
    }
  }

  /** The same policy designed for another dropout fraction. */
  public GraphPolicy withDropout(double fraction) {
    return new GraphPolicy(fraction, corruption, failureProbability);
  }

  /** The same policy designed for another fraction of colluding sites. */
  public GraphPolicy withCorruption(double fraction) {
    return new GraphPolicy(dropout, fraction, failureProbability);
  }

  /** The smallest safe even degree for {@code sites} sites, or sites − 1 (the complete graph) if none is smaller. */
  public int degree(int sites) {
    if (sites < 2) {
      throw new IllegalArgumentException("need at least 2 sites, got " + sites);
    }
    for (int k = 2; k < sites - 1; k += 2) {
      if (failure(sites, k, bestThreshold(sites, k)) <= failureProbability) {
        return k;
      }
    }
    return sites - 1;
  }

  /** True if the sparse graph is safe for {@code sites} sites with fewer than sites − 1 neighbours. */
  public boolean sparse(int sites) {
    return degree(sites) < sites - 1;
  }

  /**
   * The threshold for {@code sites} sites on a graph of {@code degree}: the complete graph's
   * ⌈2n/3⌉ if complete, else the t in (m/2, m] with the least failure probability.
   */
  public int threshold(int sites, int degree) {
    if (degree >= sites - 1) {
      return SecAggConfig.derivedThreshold(NeighbourGraph.Kind.FULL, sites);
    }
    return bestThreshold(sites, degree);
  }

  /** True if a sparse graph of {@code degree} with threshold {@code t} meets this policy for {@code sites} sites. */
  public boolean allows(int sites, int degree, int t) {
    int m = degree + 1;
    return t > m / 2 && t <= m && failure(sites, degree, t) <= failureProbability;
  }

  /** Union bound on either failure over the {@code sites} neighbourhoods of {@code degree} + 1 sites with threshold t. */
  public double failure(int sites, int degree, int t) {
    return failure(sites, degree, t, upperTails(degree + 1, dropout), upperTails(degree, corruption));
  }

  private static double failure(int sites, int degree, int t, double[] dropTails, double[] corruptTails) {
    int m = degree + 1;
    return sites * (tail(dropTails, m - t + 1) + tail(corruptTails, 2 * t - m));
  }

  private int bestThreshold(int sites, int degree) {
    int m = degree + 1;
    double[] dropTails = upperTails(m, dropout);
    double[] corruptTails = upperTails(degree, corruption);
    int best = m / 2 + 1;
    double least = Double.MAX_VALUE;
    for (int t = m / 2 + 1; t <= m; t++) {
      double f = failure(sites, degree, t, dropTails, corruptTails);
      if (f < least) {
        least = f;
        best = t;
      }
    }
    return best;
  }

  private static double tail(double[] tails, int x) {
    return x <= 0 ? 1 : x >= tails.length ? 0 : tails[x];
  }

  /** tails[x] = P[Binomial(n, p) ≥ x] for x in 0..n, summed from the top (accurate for tiny tails). */
  static double[] upperTails(int n, double p) {
    double[] tails = new double[n + 1];
    if (p == 0) {
      tails[0] = 1;
      return tails;
    }
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double[] logChoose = new double[n + 1];
    for (int i = 1; i <= n; i++) {
      logChoose[i] = logChoose[i - 1] + Math.log(n - i + 1) - Math.log(i);
    }
    double total = 0;
    for (int i = n; i >= 0; i--) {
      total += Math.exp(logChoose[i] + i * logP + (n - i) * logQ);
      tails[i] = total;
    }
    return tails;
  }
}
