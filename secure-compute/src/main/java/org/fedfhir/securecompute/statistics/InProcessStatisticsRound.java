package org.fedfhir.securecompute.statistics;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import org.fedfhir.securecompute.crypto.SecretBytes;
import org.fedfhir.securecompute.secagg.LocalRound;
import org.fedfhir.securecompute.secagg.SecAggConfig;
import org.fedfhir.securecompute.secagg.Stage;

/**
 * A statistics study among in-process sites, through the real secure-aggregation protocol
 * (Bonawitz et al., CCS 2017, via {@link LocalRound}): each site encodes its statistics' vectors
 * with the study's {@link StatisticsEncoding}, the round yields only their modular sum, and the
 * sum is decoded and split per statistic. For tests, the CLI and benchmarks; the network version
 * carries the same messages over gRPC.
 *
 * <p>Sites that drop out before sending their masked input are left out of the sum, which then
 * covers exactly {@link Outcome#sites()} (reported with every result); below the threshold t the
 * round aborts ({@code RoundAbortedException}) and nothing is released.
 */
public final class InProcessStatisticsRound {

  /**
   * What a round produced.
   *
   * @param sums the decoded sum, one vector per statistic in the study's order
   * @param contributors the sites whose vectors are in the sum
   * @param errorBound per coordinate, the largest possible |decoded − exact| for this many sites
   */
  public record Outcome(List<double[]> sums, SortedSet<Integer> contributors, double errorBound) {
    /** @return how many sites the sum covers */
    public int sites() {
      return contributors.size();
    }
  }

  private final SecAggConfig config;
  private final Map<Integer, SecretBytes> signingKeys;
  private final StatisticsEncoding encoding;
  private final SecureRandom random;

  /**
   * @param config the secure-aggregation configuration: its vector length must be the encoding's,
   *     its modulus 2^64
   * @param signingKeys each site's long-term Ed25519 private key
   * @param encoding the study's encoding
   * @param random randomness for the protocol and the stochastic rounding
   */
  public InProcessStatisticsRound(SecAggConfig config, Map<Integer, SecretBytes> signingKeys,
      StatisticsEncoding encoding, SecureRandom random) {
    this.config = Objects.requireNonNull(config, "config");
    this.signingKeys = Map.copyOf(signingKeys);
    this.encoding = Objects.requireNonNull(encoding, "encoding");
    this.random = Objects.requireNonNull(random, "random");
    if (config.vectorLength() != encoding.length()) {
      throw new IllegalArgumentException("secure-aggregation vector length " + config.vectorLength()
          + " differs from the statistics' " + encoding.length());
    }
    if (config.modulusBits() != StatisticsEncoding.MODULUS_BITS) {
      throw new IllegalArgumentException("modulus bits " + config.modulusBits() + "; statistics need "
          + StatisticsEncoding.MODULUS_BITS);
    }
  }

  /**
   * Runs one round.
   *
   * @param round the round number (unique per study: messages are bound to it)
   * @param siteVectors per site, its statistics' vectors (from {@link SufficientStatistic#encode})
   * @param dropouts sites that drop out, and the stage whose message they never send
   */
  public Outcome run(long round, Map<Integer, List<double[]>> siteVectors, Map<Integer, Stage> dropouts) {
    Map<Integer, long[]> inputs = new TreeMap<>();
    for (int site : config.sites()) {
      List<double[]> parts = siteVectors.get(site);
      if (parts == null) {
        throw new IllegalArgumentException("no vectors for site " + site);
      }
      inputs.put(site, encoding.encode(parts, random));
    }
    LocalRound.Result result = new LocalRound(config, signingKeys, random).run(round, inputs, dropouts);
    SortedSet<Integer> contributors = result.participants().get(Stage.MASKED_INPUT);
    return new Outcome(encoding.decode(result.sum()), contributors, encoding.errorBound(contributors.size()));
  }
}
