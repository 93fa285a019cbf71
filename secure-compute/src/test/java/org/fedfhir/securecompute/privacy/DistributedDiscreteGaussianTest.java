package org.fedfhir.securecompute.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.fedfhir.securecompute.privacy.DistributedDiscreteGaussian.Sensitivity;
import org.junit.jupiter.api.Test;

class DistributedDiscreteGaussianTest {

  @Test
  void oneSiteIsTheDiscreteGaussianOfCanonneKamathSteinke() {
    // m = 1: τ = 0 (empty sum), ρ = Δ₂²/(2σ²) = 1/(2·4) = 0.125
    assertThat(DistributedDiscreteGaussian.tau(1, 4)).isZero();
    assertThat(DistributedDiscreteGaussian.rho(1, 4, Sensitivity.oneCoordinate(1, 1))).isEqualTo(0.125);
    // Δ₁ = 3, Δ₂ = 2: min{4/8, 9/8} = 0.5, the L2 term
    assertThat(DistributedDiscreteGaussian.rho(1, 4, new Sensitivity(3, 2, 5))).isEqualTo(0.5);
  }

  @Test
  void tauFollowsKairouzLiuSteinke() {
    // m = 2, σ² = 1: τ = 10·exp(−2π²·1·1/2) = 10·exp(−9.8696) = 10·5.1723e-5 = 5.1723e-4
    assertThat(DistributedDiscreteGaussian.tau(2, 1)).isCloseTo(5.1723e-4, within(1e-8));
  }

  @Test
  void threeSitesPayAlmostExactlyTheCentralPriceOfTheirSummedVariance() {
    // m = 3, σ² = 2, Δ = 1, d = 1: τ = 10·(exp(−19.739) + exp(−26.319)) = 10·(2.67e-9 + 3.7e-12) ≈ 2.7e-8;
    // ρ = min{1/(2·3·2) + τ, (1/√6 + τ)²/2} = 1/12 + 1.1e-8: the sum behaves like N_Z(0, 6)
    double rho = DistributedDiscreteGaussian.rho(3, 2, Sensitivity.oneCoordinate(1, 1));
    assertThat(rho).isGreaterThan(1.0 / 12).isCloseTo(1.0 / 12, within(1e-7));
  }

  @Test
  void smallSharesAreChargedForTheirDistanceFromADiscreteGaussian() {
    // σ² = 0.5, m = 10: τ = 10·Σ_{k=1}^{9} exp(−π²·k/(k+1)) = 10·(7.19e-3 + 1.39e-3 + 6.1e-4 + 3.7e-4 + 2.7e-4
    // + 2.1e-4 + 1.8e-4 + 1.5e-4 + 1.4e-4) = 0.1051; ρ = min{1/10 + 0.1051, (1/√5 + 0.1051)²/2 = 0.1525}
    // = 0.1525, half as much again as the 0.1 of one discrete Gaussian of variance 5
    double rho = DistributedDiscreteGaussian.rho(10, 0.5, Sensitivity.oneCoordinate(1, 1));
    assertThat(DistributedDiscreteGaussian.tau(10, 0.5)).isCloseTo(0.1051, within(1e-4));
    assertThat(rho).isCloseTo(0.1525, within(1e-4));
  }

  @Test
  void zcdpConvertsToApproximateDifferentialPrivacyTighterThanTheSimpleBound() {
    // ρ = 0.5, δ = 1e-6: simple bound ρ + 2·sqrt(ρ·ln 1e6) = 0.5 + 2·sqrt(6.9078) = 5.7566;
    // CKS 2020 Cor. 13 at α = 6: 3 + (13.8155 + 5·ln(5/6) − ln 6)/5 = 3 + (13.8155 − 0.9116 − 1.7918)/5 = 5.2224
    // (α = 5.5 gives 5.2406, α = 6.5 gives 5.2545). The exact Gaussian mechanism with ρ = 0.5 needs ε ≈ 5.1,
    // so no valid conversion can go below that.
    double epsilon = ZeroConcentrated.epsilon(0.5, 1e-6);
    assertThat(epsilon).isCloseTo(5.222, within(0.01)).isLessThan(5.7566);
    assertThat(ZeroConcentrated.rhoFor(epsilon, 1e-6)).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void calibratedVarianceMeetsTheTargetAndOnePercentLessDoesNot() {
    // ε = 1, δ = 1e-6, t = 3, one count per cell over 4 cells. The simple conversion would need
    // ρ ≈ 0.018 (sqrt ρ = (−2·3.717 + sqrt(4·13.8155 + 4))/2 = 0.134), i.e. σ² ≈ 1/(2·3·0.018) ≈ 9.3.
    // CKS at α = 22 allows ρ = 0.02436: 22·0.02436 + (13.8155 + 21·ln(21/22) − ln 22)/21
    // = 0.5359 + (13.8155 − 0.9769 − 3.0910)/21 = 0.5359 + 0.4642 = 1.0001; so σ² = 1/(6·0.02436) = 6.84
    // (τ ≈ 10·2·exp(−2π²·6.84/2) is negligible).
    Sensitivity counts = Sensitivity.oneCoordinate(1, 4);
    double sigma2 = DistributedDiscreteGaussian.calibrate(1.0, 1e-6, 3, counts);
    assertThat(sigma2).isCloseTo(6.84, within(0.01));
    assertThat(DistributedDiscreteGaussian.epsilon(3, sigma2, counts, 1e-6)).isLessThanOrEqualTo(1.0);
    assertThat(DistributedDiscreteGaussian.epsilon(3, 0.99 * sigma2, counts, 1e-6)).isGreaterThan(1.0);
  }

  @Test
  void moreGuaranteedSitesNeedSmallerShares() {
    Sensitivity counts = Sensitivity.oneCoordinate(1, 4);
    double two = DistributedDiscreteGaussian.calibrate(1.0, 1e-6, 2, counts);
    double five = DistributedDiscreteGaussian.calibrate(1.0, 1e-6, 5, counts);
    // the total variance m·σ² is (almost) what one central discrete Gaussian would need
    assertThat(five).isLessThan(two);
    assertThat(5 * five).isCloseTo(2 * two, within(0.01 * two));
  }

  @Test
  void badParametersAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> new Sensitivity(1, 2, 1)).hasMessageContaining("l2=2.0");
    assertThatThrownBy(() -> DistributedDiscreteGaussian.rho(0, 1, Sensitivity.oneCoordinate(1, 1)))
        .hasMessageContaining("parties 0");
    assertThatThrownBy(() -> ZeroConcentrated.epsilon(0.1, 0)).hasMessageContaining("delta 0.0");
  }
}
