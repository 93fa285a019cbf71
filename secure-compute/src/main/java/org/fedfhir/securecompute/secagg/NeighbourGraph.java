package org.fedfhir.securecompute.secagg;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who masks with whom and who holds whose shares. The complete graph is the protocol of Bonawitz et
 * al. (2017); the sparse graph is SecAgg+ (Bell et al., CCS 2020): a k-regular Harary graph over
 * the sites in a public pseudo-random order, so each site does O(k) work instead of O(n).
 *
 * <p>The graph is public: it is a function of the site ids, the degree and a public seed, which the
 * aggregator announces; every party computes the same graph.
 */
public final class NeighbourGraph {

  /** The two kinds of graph. */
  public enum Kind { FULL, SPARSE }

  private final Kind kind;
  private final int degree;
  private final NavigableSet<Integer> sites;
  private final Map<Integer, NavigableSet<Integer>> neighbours;

  private NeighbourGraph(Kind kind, int degree, NavigableSet<Integer> sites,
      Map<Integer, NavigableSet<Integer>> neighbours) {
    this.kind = kind;
    this.degree = degree;
    this.sites = sites;
    this.neighbours = neighbours;
  }

  /** Everyone is everyone's neighbour. */
  public static NeighbourGraph complete(SortedSet<Integer> siteIds) {
    NavigableSet<Integer> all = checkedSites(siteIds);
    Map<Integer, NavigableSet<Integer>> map = new HashMap<>();
    for (int site : all) {
      NavigableSet<Integer> others = new TreeSet<>(all);
      others.remove(site);
      map.put(site, Collections.unmodifiableNavigableSet(others));
    }
    return new NeighbourGraph(Kind.FULL, all.size() - 1, Collections.unmodifiableNavigableSet(all), map);
  }

  /**
   * A k-regular Harary graph H(k, n): sites in the order of SHA-256(seed ‖ id), each connected to
   * the k/2 sites on either side. With k ≥ n − 1 this is the complete graph.
   *
   * @param degree k, even and at least 2
   */
  public static NeighbourGraph harary(SortedSet<Integer> siteIds, int degree, byte[] publicSeed) {
    NavigableSet<Integer> all = checkedSites(siteIds);
    int n = all.size();
    if (degree < 2 || degree % 2 != 0) {
      throw new IllegalArgumentException("neighbour count " + degree + " must be even and at least 2");
    }
    if (degree >= n - 1) {
      return complete(all);
    }
    List<Integer> order = new ArrayList<>(all);
    Map<Integer, byte[]> rank = new HashMap<>();
    for (int site : order) {
      rank.put(site, digest(publicSeed, site));
    }
    order.sort(Comparator.comparing(rank::get, Arrays::compareUnsigned));
    Map<Integer, NavigableSet<Integer>> map = new HashMap<>();
    for (int i = 0; i < n; i++) {
      NavigableSet<Integer> set = new TreeSet<>();
      for (int step = 1; step <= degree / 2; step++) {
        set.add(order.get((i + step) % n));
        set.add(order.get(((i - step) % n + n) % n));
      }
      map.put(order.get(i), Collections.unmodifiableNavigableSet(set));
    }
    return new NeighbourGraph(Kind.SPARSE, degree, Collections.unmodifiableNavigableSet(all), map);
  }

  /**
   * The SecAgg+ degree for {@code n} sites that must tolerate a fraction {@code dropout} of them
   * dropping out at random (Bell et al. 2020, §3: k = O(log n) for a fixed dropout rate): the
   * smallest even k ≥ 3·log2(n) such that, with the majority threshold ⌊(k+1)/2⌋ + 1 in each
   * neighbourhood of k + 1 sites, the probability that some neighbourhood keeps fewer than t sites is
   * at most 10⁻⁶ (binomial tail, union bound over the n neighbourhoods). Capped at n − 1, where the
   * graph is complete.
   */
  public static int derivedDegree(int sites, double dropout) {
    if (sites < 2) {
      throw new IllegalArgumentException("need at least 2 sites, got " + sites);
    }
    if (!(dropout >= 0 && dropout < 0.5)) {
      throw new IllegalArgumentException("dropout tolerance " + dropout + " must be in [0, 0.5)");
    }
    int k = (int) Math.ceil(3 * Math.log(sites) / Math.log(2));
    if (k % 2 != 0) {
      k++;
    }
    while (k < sites - 1 && sites * neighbourhoodFailure(k + 1, (k + 1) / 2 + 1, dropout) > 1e-6) {
      k += 2;
    }
    return Math.min(k, sites - 1);
  }

  /** {@link #derivedDegree(int, double)} for the default tolerance of 10 % dropouts. */
  public static int derivedDegree(int sites) {
    return derivedDegree(sites, DEFAULT_DROPOUT_TOLERANCE);
  }

  /** The dropout rate the sparse graph is built for unless a study says otherwise. */
  public static final double DEFAULT_DROPOUT_TOLERANCE = 0.1;

  /** P[Binomial(m, 1 − dropout) < t]: a neighbourhood of m sites keeps fewer than t. */
  static double neighbourhoodFailure(int m, int t, double dropout) {
    double p = 1 - dropout;
    double total = 0;
    for (int s = 0; s < t; s++) {
      total += Math.exp(logChoose(m, s) + s * Math.log(p) + (m - s) * Math.log(dropout == 0 ? Double.MIN_VALUE : dropout));
    }
    return total;
  }

  private static double logChoose(int n, int k) {
    double r = 0;
    for (int i = 1; i <= k; i++) {
      r += Math.log(n - k + i) - Math.log(i);
    }
    return r;
  }

  public Kind kind() {
    return kind;
  }

  /** k: every site's number of neighbours. */
  public int degree() {
    return degree;
  }

  public NavigableSet<Integer> sites() {
    return sites;
  }

  public boolean contains(int site) {
    return sites.contains(site);
  }

  /** The neighbours of {@code site}, not including itself. */
  public NavigableSet<Integer> neighbours(int site) {
    NavigableSet<Integer> n = neighbours.get(site);
    if (n == null) {
      throw new UnknownSiteException("site " + site + " is not part of the round");
    }
    return n;
  }

  /** {@code site} and its neighbours: the sites that hold shares of its secrets. */
  public NavigableSet<Integer> neighbourhood(int site) {
    NavigableSet<Integer> n = new TreeSet<>(neighbours(site));
    n.add(site);
    return n;
  }

  public boolean areNeighbours(int a, int b) {
    return a != b && neighbours(a).contains(b);
  }

  private static NavigableSet<Integer> checkedSites(SortedSet<Integer> siteIds) {
    if (siteIds == null || siteIds.size() < 2) {
      throw new IllegalArgumentException("need at least 2 sites, got "
          + (siteIds == null ? 0 : siteIds.size()));
    }
    for (int id : siteIds) {
      if (id < 1) {
        throw new IllegalArgumentException("site id " + id + " must be positive");
      }
    }
    return new TreeSet<>(siteIds);
  }

  private static byte[] digest(byte[] seed, int site) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(seed);
      sha.update(ByteBuffer.allocate(4).putInt(site).array());
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
