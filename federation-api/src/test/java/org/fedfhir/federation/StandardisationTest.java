package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StandardisationTest {

  @Test
  void globalMeansAndVariancesFromSummedMomentsEqualThePooledOnes() {
    double[][] s1 = {{1, 10}, {2, 20}};
    double[][] s2 = {{3, 30}, {4, 40}, {5, 50}};
    double[] p1 = Payloads.moments(Arrays.asList(s1), 2);
    double[] p2 = Payloads.moments(Arrays.asList(s2), 2);
    double[] sum = new double[p1.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = p1[i] + p2[i];
    }
    assertThat(new double[] {sum[0], sum[3]}).containsExactly(5, 5);
    Standardisation st = Standardisation.fromSums(sum);
    assertThat(st.means()).containsExactly(new double[] {3, 30}, within(1e-12));
    assertThat(Arrays.stream(st.sds()).map(s -> s * s).toArray()).containsExactly(new double[] {2, 200}, within(1e-9));
  }

  @Test
  void aConstantOrUnobservedFeatureGetsSdOne() {
    Standardisation st = Standardisation.fromSums(new double[] {4, 8, 16, 0, 0, 0});
    assertThat(st.means()).containsExactly(2, 0);
    assertThat(st.sds()).containsExactly(1, 1);
    assertThat(new Standardisation(new double[] {0, 0}, new double[] {0, Double.NaN}).sds()).containsExactly(1, 1);
  }

  @Test
  void imputationAndStandardisationUseTheFittedRowsOnly() {
    double[][] x = {{1}, {Double.NaN}, {3}, {100}};
    Standardisation s = Standardisation.fit(x, new int[] {0, 1, 2}, 1);
    assertThat(s.means()).containsExactly(2.0);
    assertThat(s.sds()[0]).isCloseTo(Math.sqrt(2), within(1e-12));
    assertThat(s.apply(new double[] {Double.NaN})).containsExactly(0.0);
    assertThat(s.apply(new double[] {2 + Math.sqrt(2)})[0]).isCloseTo(1, within(1e-12));
  }
}
