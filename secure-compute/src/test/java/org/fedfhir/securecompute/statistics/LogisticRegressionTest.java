package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Diagnosis ~ age + sex + max heart rate on the four UCI centres: one secure-aggregation round
 * per Newton iteration, against IRLS on the pooled rows with Commons Math's LU solver.
 */
class LogisticRegressionTest {

  static final List<String> FEATURES = List.of("age", "sex", "thalach");

  static List<LogisticRegression.Row> rows(List<double[]> raw) {
    List<LogisticRegression.Row> rows = new ArrayList<>();
    for (double[] r : raw) {
      double[] x = new double[FEATURES.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = HeartDiseaseData.get(r, FEATURES.get(i));
      }
      rows.add(new LogisticRegression.Row(x, HeartDiseaseData.get(r, "num") > 0 ? 1 : 0));
    }
    return rows;
  }

  @Test
  void coefficientsAndStandardErrorsEqualPooledIrls() {
    LogisticRegression model = regression();
    Map<String, List<double[]>> centres = HeartDiseaseData.centres();
    Federation federation = new Federation(4, List.of(model.at(model.start())), 1_000_000, 8);
    LogisticRegression.Result result = fitAcross(model, centres, federation);
    assertThat(result.released()).isTrue();
    assertThat(result.converged()).isTrue();
    assertThat(result.iterations()).isBetween(3, 12);
    assertThat(result.sites()).isEqualTo(4);
    assertThat(result.terms()).containsExactly(LogisticRegression.INTERCEPT, "age", "sex", "thalach");

    List<LogisticRegression.Row> pooled = rows(HeartDiseaseData.pooled(centres));
    double[][] reference = PooledLogisticRegression.fit(pooled);
    double[] beta = result.coefficients();
    for (int i = 0; i < beta.length; i++) {
      assertThat(beta[i]).as("coefficient %d", i).isCloseTo(reference[0][i], within(1e-6));
      assertThat(result.standardErrors()[i]).as("SE %d", i).isCloseTo(reference[1][i], within(1e-6));
    }
    long complete = pooled.stream().filter(r -> java.util.Arrays.stream(r.x()).noneMatch(Double::isNaN)).count();
    assertThat(result.n()).hasValue(complete);
    assertThat(beta[3]).as("higher max heart rate, less disease").isNegative();
    assertThat(result.pValue(3)).as("max heart rate matters").isLessThan(1e-6);
    assertThat(result.pValue(3)).isCloseTo(
        2 * (1 - new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(
            Math.abs(beta[3] / result.standardErrors()[3]))), within(1e-12));
  }

  @Test
  void withFewFractionalBitsTheFitStillConvergesToIrlsWithinAHundredthOfAStandardError() {
    // 10^9 records per site declared leave 15 fractional bits: each sum is within ~1e-4 of exact.
    // Near the optimum the sites' scores sum to less than the grid step, so the decoded step
    // becomes 0 and Newton stops; the estimate is as good as the grid allows
    LogisticRegression model = regression();
    Map<String, List<double[]>> centres = HeartDiseaseData.centres();
    Federation federation = new Federation(4, List.of(model.at(model.start())), 1_000_000_000, 8);
    assertThat(federation.encoding.codec().fractionalBits()).isLessThanOrEqualTo(16);
    LogisticRegression.Result result = fitAcross(model, centres, federation);
    assertThat(result.converged()).isTrue();
    assertThat(result.iterations()).isLessThan(LogisticRegression.MAX_ITERATIONS);
    double[][] reference = PooledLogisticRegression.fit(rows(HeartDiseaseData.pooled(centres)));
    for (int i = 0; i < reference[0].length; i++) {
      assertThat(result.coefficients()[i]).as("coefficient %d", i).isCloseTo(reference[0][i],
          within(1e-2 * result.standardErrors()[i]));
    }
  }

  /** One secure-aggregation round per Newton iteration, each centre a site, until the fit is done. */
  static LogisticRegression.Result fitAcross(LogisticRegression model, Map<String, List<double[]>> centres,
      Federation federation) {
    Map<Integer, List<LogisticRegression.Row>> sites = new TreeMap<>();
    int s = 1;
    for (List<double[]> raw : centres.values()) {
      sites.put(s++, rows(raw));
    }
    LogisticRegression.Fit fit = model.fit();
    while (!fit.done()) {
      SufficientStatistic<LogisticRegression.Row, LogisticRegression.Step> part = fit.next();
      Map<Integer, List<double[]>> vectors = new TreeMap<>();
      sites.forEach((site, rows) -> vectors.put(site, List.of(part.encode(rows))));
      InProcessStatisticsRound.Outcome outcome = federation.run(vectors);
      fit.accept(outcome.sums().get(0), Release.of(DisclosurePolicy.defaults(), outcome.sites()));
    }
    return fit.result();
  }

  static LogisticRegression regression() {
    return new LogisticRegression("dx", "label", FEATURES, new double[] {0, 0, 40}, new double[] {120, 1, 250});
  }

  @Test
  void aSmallOutcomeClassReleasesNothing() {
    LogisticRegression model = regression();
    List<LogisticRegression.Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(new LogisticRegression.Row(new double[] {40 + i % 30, i % 2, 100 + i % 70}, i < 4 ? 1 : 0));
    }
    LogisticRegression.Fit fit = model.fit();
    fit.accept(fit.next().encode(rows), Release.of(DisclosurePolicy.defaults(), 3));
    assertThat(fit.done()).isTrue();
    LogisticRegression.Result result = fit.result();
    assertThat(result.released()).isFalse();
    assertThat(result.n()).isEmpty();
    assertThat(result.suppressed()).containsExactly("n or an outcome class below the minimum count");
    assertThat(result.iterations()).isEqualTo(1);
  }

  @Test
  void rowsWithAMissingCovariateOrAnotherOutcomeAreLeftOut() {
    SufficientStatistic<LogisticRegression.Row, LogisticRegression.Step> first = regression().at(regression().start());
    double[] v = first.encode(List.of(new LogisticRegression.Row(new double[] {50, 1, 150}, 1),
        new LogisticRegression.Row(new double[] {50, Double.NaN, 150}, 1),
        new LogisticRegression.Row(new double[] {50, 1, 150}, 2),
        new LogisticRegression.Row(new double[] {60, 0, 130}, 0)));
    assertThat(v[v.length - 2]).as("n").isEqualTo(2);
    assertThat(v[v.length - 1]).as("Σy").isEqualTo(1);
    assertThat(v[0]).as("score of the intercept at β = 0: Σ(y − 1/2)").isEqualTo(0);
  }

}
