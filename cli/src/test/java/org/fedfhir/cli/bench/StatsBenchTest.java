package org.fedfhir.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stats harness's table and JSON on plain figures, and its clear reference on a few rows. */
class StatsBenchTest {

  static Map<String, Object> figures() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("sites", 4);
    f.put("patientsPerSite", 100000);
    f.put("seed", 43L);
    f.put("repetitions", 3);
    f.put("minCellCount", 5);
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("description", "numeric summary");
    g.put("vectorLength", 32);
    g.put("secureMillis", 92.5);
    g.put("siteEncodeMillis", 33.75);
    g.put("roundMillis", 58.5);
    g.put("combineMillis", 0.25);
    g.put("clearMillis", 30.0);
    g.put("maxAbsErrorVsClear", 6.3e-10);
    g.put("suppressed", 2);
    f.put("summary", g);
    return f;
  }

  @Test
  void tableHasOneRowPerStatistic() {
    String table = StatsBench.table(figures());
    assertThat(table).contains("4 sites × 100,000 synthetic patients")
        .contains("| numeric summary | 32 | 92.5 | 33.8 | 58.5 | 0.25 | 30.0 | 3.1× | 6.3e-10 | 2 |")
        .contains("JAMIA 2014");
  }

  @Test
  void jsonHasPerStatisticObjectsWithTheIssuesKeys() {
    String json = BenchJson.write(figures());
    assertThat(json).contains("  \"summary\": {\n    \"description\": \"numeric summary\",\n")
        .contains("    \"secureMillis\": 92.5,\n", "    \"clearMillis\": 30.0,\n",
            "    \"maxAbsErrorVsClear\": 6.3e-10,\n", "    \"suppressed\": 2\n  }\n}\n");
  }

  @Test
  void clearKaplanMeierIsTheProductLimitEstimate() {
    // diagnosis 1: events on days 2 and 5, censored on day 3 → S = 1, 1, 3/4, 3/4, 3/4, 0 … ; group 0 empty of events
    StatsBench.Rows rows = new StatsBench.Rows(new int[6], new int[] {1, 1, 1, 1, 1, 1}, new double[6],
        new int[] {1, 1, 1, 1, 0, 0}, new int[] {2, 3, 5, 7, 4, 9}, new boolean[] {true, false, true, false, false,
            false});
    StatsBench.ClearSurvival km = StatsBench.clearSurvival(rows);
    double[] s = km.survivalByDay().get("1");
    assertThat(s[0]).isEqualTo(1);
    assertThat(s[2]).isEqualTo(0.75);
    assertThat(s[4]).isEqualTo(0.75);
    assertThat(s[5]).isEqualTo(0.375);
    assertThat(km.survivalByDay().get("0")[100]).isEqualTo(1);
  }

  @Test
  void clearRegressionIsTheFitTheSitesNewtonIterationsReach() {
    StatsBench.Rows a = StatsBench.Rows.generate(11, 3000, 1);
    StatsBench.Rows b = StatsBench.Rows.generate(12, 2000, 2);
    org.fedfhir.securecompute.statistics.LogisticRegression.Fit fit = StatsBench.REGRESSION.fit();
    while (!fit.done()) {
      double[] sum = fit.next().encode(StatsBench.regressionRows(a));
      double[] other = fit.next().encode(StatsBench.regressionRows(b));
      for (int i = 0; i < sum.length; i++) {
        sum[i] += other[i];
      }
      fit.accept(sum, org.fedfhir.securecompute.statistics.Release.of(
          org.fedfhir.securecompute.statistics.DisclosurePolicy.defaults(), 2));
    }
    double[][] clear = StatsBench.clearRegression(StatsBench.Rows.concat(java.util.List.of(a, b)));
    org.fedfhir.securecompute.statistics.LogisticRegression.Result r = fit.result();
    assertThat(r.converged()).isTrue();
    assertThat(r.coefficients()).containsExactly(clear[0], org.assertj.core.api.Assertions.within(1e-9));
    assertThat(r.standardErrors()).containsExactly(clear[1], org.assertj.core.api.Assertions.within(1e-9));
    assertThat(r.coefficients()[1]).as("male sex raises the risk in the generator").isPositive();
  }
}
