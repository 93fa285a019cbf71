package org.fedfhir.securecompute.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The accountant against published values. Reference: Google's dp_accounting (the accountant of
 * TensorFlow Privacy), {@code python/dp_accounting/dp_accounting/rdp/rdp_privacy_accountant_test.py},
 * {@code test_compute_epsilon_delta_gaussian}: the Gaussian mechanism with noise multiplier
 * 4.530877117, sampling probability 1, one step, "is chosen to obtain exactly (1, 1e-6)-DP"
 * (orders 1.000 … 99.999 in steps of 0.001, the same conversion as ours).
 */
class ZcdpAccountantTest {

  static final double SIGMA_FOR_EPSILON_ONE = 4.530877117;

  @Test
  void oneGaussianReleaseAtNoiseMultiplier4Point53IsEpsilonOneAtDelta1e6AsDpAccountingReports() {
    ZcdpAccountant accountant = new ZcdpAccountant(2, 1e-6);
    accountant.spend(ZcdpAccountant.gaussianRho(SIGMA_FOR_EPSILON_ONE));
    assertThat(accountant.epsilon()).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void releasesComposeAdditivelyInRho() {
    // 100 steps of σ·10 have the Rényi curve of one step of σ: dp_accounting's value again.
    ZcdpAccountant accountant = new ZcdpAccountant(2, 1e-6);
    for (int i = 0; i < 100; i++) {
      accountant.spend(ZcdpAccountant.gaussianRho(10 * SIGMA_FOR_EPSILON_ONE));
    }
    assertThat(accountant.releases()).isEqualTo(100);
    assertThat(accountant.epsilon()).isCloseTo(1.0, within(1e-4));
  }

  @Test
  void epsilonIsNeverAboveTheBunSteinkeBound() {
    for (double rho : new double[] {1e-4, 0.01, 0.5, 3}) {
      for (double delta : new double[] {1e-3, 1e-6, 1e-9}) {
        ZcdpAccountant a = new ZcdpAccountant(1e3, delta);
        a.spend(rho);
        assertThat(a.epsilon()).isLessThanOrEqualTo(rho + 2 * Math.sqrt(rho * Math.log(1 / delta)) + 1e-12)
            .isGreaterThan(rho);
      }
    }
  }

  @Test
  void theStudyStopsAtItsTargetEpsilon() {
    ZcdpAccountant accountant = new ZcdpAccountant(1, 1e-3);
    double perRound = ZeroConcentrated.rhoFor(1, 1e-3) / 20;
    for (int round = 0; round < 20; round++) {
      assertThat(accountant.allows(perRound)).isTrue();
      accountant.spend(perRound);
    }
    assertThat(accountant.epsilon()).isCloseTo(1.0, within(1e-6));
    assertThat(accountant.allows(perRound)).isFalse();
    assertThatThrownBy(() -> accountant.spend(perRound)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("past the target 1.0");
    assertThat(accountant.releases()).isEqualTo(20);
  }
}
