package org.fedfhir.securecompute.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.junit.jupiter.api.Test;

class SiteNoiseTest {

  static final StatisticDeclaration EXACT = new StatisticDeclaration.Counts("sex", "sex", List.of("0", "1"),
      Optional.empty());
  static final StatisticDeclaration PRIVATE_TABLE = new StatisticDeclaration.Crosstab("cp-by-label", "cp",
      List.of("1", "2", "3", "4"), "label", List.of("0", "1"), Optional.of(1.0));
  static final StatisticDeclaration PRIVATE_SUMMARY = new StatisticDeclaration.Summary("chol", "chol", "sex",
      List.of("0", "1"), 80, 640, new double[] {80, 200, 640}, new double[] {0.5}, Optional.of(1.0));
  /** sex 2 + crosstab 8 + summary 2 groups × (4 + 2 bins) = 22. */
  static final List<StatisticDeclaration> STUDY = List.of(EXACT, PRIVATE_TABLE, PRIVATE_SUMMARY);

  @Test
  void onlyTheSlicesOfPrivateStatisticsAreNoisedAndNothingAfterThem() throws Exception {
    SiteNoise noise = new SiteNoise(STUDY, 3, 1e-6, DiscreteGaussianTest.seeded(1));
    double[] exact = new double[25];
    Arrays.fill(exact, 7);
    double[] noisy = noise.addTo(exact.clone());

    // the exact statistic's slice and the 3 coordinates after the statistics (e.g. contributor flags)
    assertThat(Arrays.copyOfRange(noisy, 0, 2)).containsExactly(7, 7);
    assertThat(Arrays.copyOfRange(noisy, 22, 25)).containsExactly(7, 7, 7);
    // the crosstab's 8 cells at offset 2: noisy integers, not all left as they were
    double[] table = Arrays.copyOfRange(noisy, 2, 10);
    for (double v : table) {
      assertThat(v).isEqualTo(Math.rint(v));
    }
    assertThat(table).isNotEqualTo(Arrays.copyOfRange(exact, 2, 10));
    assertThat(noise.plans()).extracting(SiteNoise.Plan::offset).containsExactly(2, 10);
  }

  @Test
  void aSummarySendsNoExactCountAndItsSumsLieOnTheLattice() throws Exception {
    SiteNoise noise = new SiteNoise(STUDY, 3, 1e-6, DiscreteGaussianTest.seeded(2));
    double[] v = new double[22];
    // group sex=0 at offset 10: n = 3, Σ(x − c) = 10.3, Σ(x − c)² = 1234.5, clipped = 1, bins 2 and 1
    System.arraycopy(new double[] {3, 10.3, 1234.5, 1, 2, 1}, 0, v, 10, 6);
    noise.addTo(v);

    assertThat(v[10]).as("n").isZero();
    assertThat(v[13]).as("clipped").isZero();
    // h = 280: step = 2^floor(log2(280/1024)) = 0.25, 1120 lattice points per patient;
    // h² = 78400: step = 2^floor(log2(76.6)) = 64, 1225 lattice points per patient
    assertThat(v[11] / 0.25).isEqualTo(Math.rint(v[11] / 0.25));
    assertThat(v[12] / 64).isEqualTo(Math.rint(v[12] / 64));
    List<SiteNoise.Part> parts = noise.plans().get(1).parts();
    assertThat(parts).extracting(SiteNoise.Part::step).containsExactly(1.0, 0.25, 64.0);
    assertThat(parts).extracting(p -> p.sensitivity().l2()).containsExactly(1.0, 1120.0, 1225.0);
    assertThat(parts.get(0).coordinates()).containsExactly(4, 5, 10, 11);
  }

  @Test
  void theSumOfThresholdManySharesHasTheCalibratedVarianceTimesThreshold() throws Exception {
    // Three sites' shares of the crosstab's noise, summed as secure aggregation sums them. Each share is
    // N_Z(0, σ²) with σ² = 6.84 ≥ 1 (DistributedDiscreteGaussianTest), whose variance is σ² up to < 1e-8; the sum of t = 3 has variance V = 3σ².
    // With N = 5000 rounds × 8 cells = 40,000 (near-Gaussian) sums, the sample variance has relative
    // standard error sqrt(2/N) = 0.7 %, so a 4 % tolerance is 5.7 standard errors: a seeded run that
    // fails means a wrong variance, not bad luck.
    int t = 3;
    List<SiteNoise> sites = List.of(new SiteNoise(STUDY, t, 1e-6, DiscreteGaussianTest.seeded(11)), new SiteNoise(STUDY, t, 1e-6,
        DiscreteGaussianTest.seeded(12)), new SiteNoise(STUDY, t, 1e-6, DiscreteGaussianTest.seeded(13)));
    double sigma2 = sites.get(0).plans().get(0).parts().get(0).variance();
    double sum = 0;
    double sumSq = 0;
    int n = 0;
    for (int round = 0; round < 5000; round++) {
      double[] total = new double[22];
      for (SiteNoise site : sites) {
        double[] share = site.addTo(new double[22]);
        for (int i = 2; i < 10; i++) {
          total[i] += share[i];
        }
      }
      for (int i = 2; i < 10; i++) {
        sum += total[i];
        sumSq += total[i] * total[i];
        n++;
      }
    }
    double mean = sum / n;
    double variance = sumSq / n - mean * mean;
    assertThat(sigma2).isCloseTo(6.84, org.assertj.core.api.Assertions.within(0.01));
    assertThat(variance).isBetween(0.96 * t * sigma2, 1.04 * t * sigma2);
    assertThat(mean).isBetween(-0.1, 0.1);
  }

  @Test
  void epsilonOnAStatisticWithoutAPrivacyMechanismIsRefused() throws Exception {
    StatisticDeclaration welch = new StatisticDeclaration.Welch("w", "thalach", "label", List.of("0", "1"), 60, 210,
        Optional.of(0.5));
    assertThatThrownBy(() -> new SiteNoise(List.of(EXACT, welch), 3, 1e-6, DiscreteGaussianTest.seeded(3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w: differential privacy is not offered");
    assertThatThrownBy(() -> new SiteNoise(STUDY, 3, 1.5, DiscreteGaussianTest.seeded(3))).hasMessageContaining("epsilonDelta 1.5");
  }
}
