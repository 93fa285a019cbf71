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
   * The SecAgg+ degree for {@code n} sites: the smallest even k ≥ 3·log2(n), capped at n − 1. With
   * the threshold of {@link SecAggConfig#derivedThreshold} it tolerates random dropouts of 30 % of
   * the sites with overwhelming probability while each site talks to O(log n) others.
   */
  public static int derivedDegree(int sites) {
    if (sites < 2) {
      throw new IllegalArgumentException("need at least 2 sites, got " + sites);
    }
    int k = (int) Math.ceil(3 * Math.log(sites) / Math.log(2));
    if (k % 2 != 0) {
      k++;
    }
    return Math.min(k, sites - 1);
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
