package org.fedfhir.securecompute.secagg;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.fedfhir.securecompute.crypto.Ed25519;

/**
 * The public parameters of secure aggregation for one study: the sites and their long-term Ed25519
 * keys, the vector length, the modulus 2^k, the neighbour graph and the threshold t. Every party of
 * a round holds the same configuration.
 *
 * <p>Threshold rules, checked at construction: with the complete graph ⌊n/2⌋ + 1 ≤ t ≤ n, so the
 * aggregator can never gather t shares of both of a site's secrets from honest sites; with the
 * sparse graph the same inside each neighbourhood of k + 1 sites. Shares live in GF(2^8), so a
 * neighbourhood has at most 255 sites: beyond that, use the sparse graph.
 */
public final class SecAggConfig {

  /** Most share holders GF(2^8) Shamir sharing supports. */
  public static final int MAX_NEIGHBOURHOOD = 255;

  private final String study;
  private final SortedMap<Integer, byte[]> signingKeys;
  private final int vectorLength;
  private final int modulusBits;
  private final NeighbourGraph graph;
  private final int threshold;
  private final byte[] publicParametersDigest;

  private SecAggConfig(Builder b, NeighbourGraph graph, int threshold) {
    this.study = b.study;
    this.signingKeys = Collections.unmodifiableSortedMap(new TreeMap<>(b.signingKeys));
    this.vectorLength = b.vectorLength;
    this.modulusBits = b.modulusBits;
    this.graph = graph;
    this.threshold = threshold;
    this.publicParametersDigest = digestPublicParameters();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The threshold used when none is given: ⌈2m/3⌉ for a neighbourhood of m sites (Bonawitz et al.
   * suggest t > 2n/3 against an active aggregator), and never below the majority ⌊m/2⌋ + 1. For the
   * sparse graph, where tolerance of random dropouts matters more, ⌊m/2⌋ + 1.
   */
  public static int derivedThreshold(NeighbourGraph.Kind kind, int neighbourhoodSize) {
    int majority = neighbourhoodSize / 2 + 1;
    if (kind == NeighbourGraph.Kind.SPARSE) {
      return majority;
    }
    return Math.max(majority, (2 * neighbourhoodSize + 2) / 3);
  }

  public String study() {
    return study;
  }

  public NavigableSet<Integer> sites() {
    return graph.sites();
  }

  /** The Ed25519 public key of {@code site}. */
  public byte[] signingKey(int site) {
    byte[] key = signingKeys.get(site);
    if (key == null) {
      throw new UnknownSiteException("site " + site + " is not part of the study");
    }
    return key.clone();
  }

  public int vectorLength() {
    return vectorLength;
  }

  public int modulusBits() {
    return modulusBits;
  }

  public NeighbourGraph graph() {
    return graph;
  }

  /** t: shares needed to reconstruct a secret, and sites needed at every stage. */
  public int threshold() {
    return threshold;
  }

  /**
   * SHA-256 of every public parameter of the round as this party was told them: study, vector length,
   * modulus, threshold, each site's id, signing key and neighbours. Sites sign it in the consistency
   * check, so an aggregator that tells different sites different rosters or thresholds is caught
   * before anything is unmasked.
   */
  public byte[] publicParametersDigest() {
    return publicParametersDigest.clone();
  }

  private byte[] digestPublicParameters() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] name = study.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeBytes(java.nio.ByteBuffer.allocate(4 + name.length + 12).putInt(name.length).put(name)
        .putInt(vectorLength).putInt(modulusBits).putInt(threshold).array());
    for (Map.Entry<Integer, byte[]> site : signingKeys.entrySet()) {
      java.util.NavigableSet<Integer> neighbours = graph.neighbours(site.getKey());
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + site.getValue().length + 4 * neighbours.size());
      b.putInt(site.getKey()).putInt(site.getValue().length).put(site.getValue()).putInt(neighbours.size());
      neighbours.forEach(b::putInt);
      out.writeBytes(b.array());
    }
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  @Override
  public String toString() {
    return "SecAggConfig[study=" + study + ", sites=" + signingKeys.size() + ", length=" + vectorLength
        + ", k=" + modulusBits + " bits, graph=" + graph.kind() + "(" + graph.degree() + "), t=" + threshold + "]";
  }

  /** Validating builder; every error names the bad value and the allowed range. */
  public static final class Builder {
    private String study;
    private final Map<Integer, byte[]> signingKeys = new TreeMap<>();
    private int vectorLength = -1;
    private int modulusBits = 32;
    private NeighbourGraph.Kind graphKind;
    private GraphPolicy policy = GraphPolicy.DEFAULT;
    private Integer degree;
    private byte[] graphSeed = new byte[32];
    private Integer threshold;
    private double dropoutTolerance = NeighbourGraph.DEFAULT_DROPOUT_TOLERANCE;

    public Builder study(String study) {
      this.study = study;
      return this;
    }

    /** Adds a site with its long-term Ed25519 public key; site ids are positive. */
    public Builder site(int id, byte[] signingPublicKey) {
      if (signingPublicKey == null || signingPublicKey.length != Ed25519.PUBLIC_KEY_BYTES) {
        throw new IllegalArgumentException("site " + id + ": Ed25519 public key must be 32 bytes");
      }
      signingKeys.put(id, signingPublicKey.clone());
      return this;
    }

    public Builder vectorLength(int length) {
      this.vectorLength = length;
      return this;
    }

    public Builder modulusBits(int bits) {
      this.modulusBits = bits;
      return this;
    }

    /**
     * Forces the complete graph, or SecAgg+'s sparse graph with the degree derived from {@link
     * #dropoutTolerance} alone (no colluding sites). Unless forced, the graph follows the {@link
     * #policy}: sparse where the policy finds a safe degree below n − 1, complete otherwise.
     */
    public Builder graph(NeighbourGraph.Kind kind) {
      this.graphKind = kind;
      return this;
    }

    /** Overrides the derived SecAgg+ degree (sparse graph only). */
    public Builder degree(int k) {
      this.degree = k;
      return this;
    }

    /** The public seed that orders the sparse graph; the aggregator picks and announces it. */
    public Builder graphSeed(byte[] seed) {
      this.graphSeed = seed.clone();
      return this;
    }

    /** The fraction of sites the sparse graph must tolerate dropping out (default 0.1); sets its degree. */
    public Builder dropoutTolerance(double dropout) {
      this.dropoutTolerance = dropout;
      return this;
    }

    /** What the graph must withstand when its kind is not forced (default {@link GraphPolicy#DEFAULT}). */
    public Builder policy(GraphPolicy graphPolicy) {
      this.policy = graphPolicy;
      return this;
    }

    /** Overrides the derived threshold. */
    public Builder threshold(int t) {
      this.threshold = t;
      return this;
    }

    public SecAggConfig build() {
      if (study == null || study.isBlank()) {
        throw new IllegalArgumentException("study must be named");
      }
      int n = signingKeys.size();
      if (n < 2) {
        throw new IllegalArgumentException("sites " + n + " too few; need at least 2");
      }
      if (vectorLength < 1) {
        throw new IllegalArgumentException("vector length " + vectorLength + " must be at least 1");
      }
      if (modulusBits < 8 || modulusBits > 64) {
        throw new IllegalArgumentException("modulus bits " + modulusBits + " outside 8..64");
      }
      TreeSet<Integer> ids = new TreeSet<>(signingKeys.keySet());
      NeighbourGraph graph;
      Integer policyThreshold = null;
      if (graphKind == null) {
        int k = degree != null ? degree : policy.degree(n);
        graph = k >= n - 1 ? NeighbourGraph.complete(ids) : NeighbourGraph.harary(ids, k, graphSeed);
        policyThreshold = policy.threshold(n, graph.degree());
      } else if (graphKind == NeighbourGraph.Kind.FULL) {
        if (degree != null) {
          throw new IllegalArgumentException("a neighbour count applies to the sparse graph only");
        }
        graph = NeighbourGraph.complete(ids);
      } else {
        graph = NeighbourGraph.harary(ids, degree != null ? degree : NeighbourGraph.derivedDegree(n, dropoutTolerance), graphSeed);
      }
      int m = graph.degree() + 1;
      if (m > MAX_NEIGHBOURHOOD && graphKind == null && degree == null) {
        throw new IllegalArgumentException("the graph policy " + policy + " needs " + graph.degree() + " neighbours for "
            + n + " sites, more than the " + (MAX_NEIGHBOURHOOD - 1) + " that GF(2^8) shares allow; design for fewer "
            + "dropouts or colluding sites");
      }
      if (m > MAX_NEIGHBOURHOOD) {
        throw new IllegalArgumentException("neighbourhood of " + m + " sites exceeds " + MAX_NEIGHBOURHOOD
            + " (GF(2^8) shares); use the sparse graph");
      }
      int t = threshold != null ? threshold
          : policyThreshold != null ? policyThreshold : derivedThreshold(graph.kind(), m);
      int min = m / 2 + 1;
      if (t < min || t > m) {
        throw new IllegalArgumentException("threshold " + t + (t > m ? " exceeds" : " is below the majority of")
            + " neighbourhood " + m + "; need " + min + " ≤ t ≤ " + m);
      }
      return new SecAggConfig(this, graph, t);
    }
  }
}
