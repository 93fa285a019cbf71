package org.fedfhir.securecompute.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A site's own disclosure check before masking, rule by rule, on plain records. */
class SiteDisclosureTest {

  static final StatisticDeclaration COUNTS = new StatisticDeclaration.Counts("cp", "cp", List.of("1", "2"),
      Optional.empty());
  static final StatisticDeclaration CROSSTAB = new StatisticDeclaration.Crosstab("cp-by-label", "cp",
      List.of("1", "2"), "label", List.of("0", "1"), Optional.empty());
  static final StatisticDeclaration SUMMARY = new StatisticDeclaration.Summary("chol-by-sex", "chol", "sex",
      List.of("0", "1"), 100, 400, new double[] {100, 200, 400}, new double[] {0.5}, Optional.empty());
  static final StatisticDeclaration WELCH = new StatisticDeclaration.Welch("thalach", "thalach", "label",
      List.of("1", "0"), 60, 210, Optional.empty());
  static final StatisticDeclaration KM = new StatisticDeclaration.KaplanMeier("hf", null, List.of(),
      new double[] {0, 100, 200}, "d", Optional.empty());
  static final StatisticDeclaration.Regression MODEL = new StatisticDeclaration.Regression("model", "label",
      List.of(new StatisticDeclaration.Covariate("age", 20, 90), new StatisticDeclaration.Covariate("chol", 100, 400),
          new StatisticDeclaration.Covariate("thalach", 60, 210)), Optional.empty());

  private final SiteDisclosure site = new SiteDisclosure(List.of(COUNTS), DisclosurePolicy.defaults());

  private static double[] table(StatisticDeclaration d, List<ContingencyTable.Entry> entries) {
    return ((ContingencyTable) d.statistic()).encode(entries);
  }

  private static List<ContingencyTable.Entry> entries(String row, String column, int n) {
    return Collections.nCopies(n, new ContingencyTable.Entry(row, column));
  }

  private static List<NumericSummary.Value> values(String group, double value, int n) {
    return Collections.nCopies(n, new NumericSummary.Value(group, value));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Test
  void aCellUnderTheMinimumWithholdsTheTableAndAnEmptyCellDoesNot() {
    assertThat(site.passes(COUNTS, table(COUNTS, concat(entries("1", "all", 3), entries("2", "all", 40))))).isFalse();
    assertThat(site.passes(COUNTS, table(COUNTS, entries("2", "all", 40)))).as("cp=1 empty").isTrue();
    assertThat(site.passes(COUNTS, table(COUNTS, concat(entries("1", "all", 5), entries("2", "all", 40))))).isTrue();
    SiteDisclosure zeros = new SiteDisclosure(List.of(COUNTS), new DisclosurePolicy(5, true));
    assertThat(zeros.passes(COUNTS, table(COUNTS, entries("2", "all", 40)))).as("zeros suppressed").isFalse();

    List<ContingencyTable.Entry> crosstab = concat(concat(entries("1", "0", 20), entries("1", "1", 4)),
        concat(entries("2", "0", 30), entries("2", "1", 25)));
    assertThat(site.passes(CROSSTAB, table(CROSSTAB, crosstab))).isFalse();
    assertThat(site.passes(CROSSTAB, table(CROSSTAB, concat(crosstab, entries("1", "1", 1))))).isTrue();
  }

  @Test
  void aSmallGroupBinOrClippedCountWithholdsTheSummary() {
    NumericSummary summary = (NumericSummary) SUMMARY.statistic();
    List<NumericSummary.Value> passing = concat(concat(values("0", 150, 10), values("0", 250, 10)),
        concat(values("1", 150, 8), values("1", 300, 7)));
    assertThat(site.passes(SUMMARY, summary.encode(passing))).isTrue();
    assertThat(site.passes(SUMMARY, summary.encode(concat(values("0", 150, 10), values("1", 150, 3)))))
        .as("group sex=1 of 3").isFalse();
    assertThat(site.passes(SUMMARY, summary.encode(concat(passing, values("1", 350, 2)))))
        .as("the bin [200, 400) of sex=1 holds 9, passes").isTrue();
    assertThat(site.passes(SUMMARY, summary.encode(concat(values("0", 150, 10), concat(values("0", 250, 2),
        values("1", 150, 20)))))).as("bin [200, 400) of sex=0 holds 2").isFalse();
    assertThat(site.passes(SUMMARY, summary.encode(concat(passing, values("1", 500, 1)))))
        .as("one value clipped").isFalse();

    WelchTest welch = (WelchTest) WELCH.statistic();
    assertThat(site.passes(WELCH, welch.encode(concat(values("1", 150, 30), values("0", 140, 4))))).isFalse();
    assertThat(site.passes(WELCH, welch.encode(concat(values("1", 150, 30), values("0", 140, 5))))).isTrue();
  }

  private static List<SurvivalAnalysis.Record> followUp(int events0, int censored0, int events1, int beyond) {
    List<SurvivalAnalysis.Record> r = new ArrayList<>();
    r.addAll(Collections.nCopies(events0, new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 50, true)));
    r.addAll(Collections.nCopies(censored0, new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 60, false)));
    r.addAll(Collections.nCopies(events1, new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 150, true)));
    r.addAll(Collections.nCopies(beyond, new SurvivalAnalysis.Record(SurvivalAnalysis.ALL, 500, false)));
    return r;
  }

  @Test
  void aSmallCensoredEventOrAtRiskCountWithholdsTheCurve() {
    SurvivalAnalysis km = (SurvivalAnalysis) KM.statistic();
    assertThat(site.passes(KM, km.encode(followUp(10, 6, 8, 20)))).isTrue();
    assertThat(km.disclosedCounts(km.encode(followUp(10, 2, 8, 20))))
        .as("[at risk, events, censored] per bucket").containsExactly(40, 10, 2, 28, 8, 20);
    assertThat(site.passes(KM, km.encode(followUp(10, 2, 8, 20)))).as("2 censored in the first bucket").isFalse();
    assertThat(site.passes(KM, km.encode(followUp(10, 6, 3, 20)))).as("3 events in the second").isFalse();
    assertThat(site.passes(KM, km.encode(followUp(10, 6, 0, 3)))).as("3 at risk in the second").isFalse();
    assertThat(site.passes(KM, km.encode(followUp(10, 6, 6, 2))))
        .as("2 followed past the window: the second bucket's censored count").isFalse();
  }

  private static List<LogisticRegression.Row> rows(int n, int events) {
    List<LogisticRegression.Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new LogisticRegression.Row(new double[] {40 + i, 200 + 3 * i, 150 - i}, i < events ? 1 : 0));
    }
    return rows;
  }

  @Test
  void aRegressionNeedsThreeRowsPerCoefficientAndBothClassesAtTheMinimum() {
    LogisticRegression regression = MODEL.logisticRegression();
    SufficientStatistic<LogisticRegression.Row, LogisticRegression.Step> first = regression.at(regression.start());
    assertThat(regression.minimumRows()).isEqualTo(12);
    assertThat(site.passes(MODEL, first.encode(rows(11, 5)))).as("11 rows for 4 coefficients").isFalse();
    assertThat(site.passes(MODEL, first.encode(rows(12, 6)))).isTrue();
    assertThat(site.passes(MODEL, first.encode(rows(40, 4)))).as("4 events").isFalse();
    assertThat(site.passes(MODEL, first.encode(rows(40, 37)))).as("3 non-events").isFalse();
  }

  @Test
  void theFirstRoundSendsZerosForWhatIsWithheldThenOneFlagPerStatistic() {
    SiteDisclosure disclosure = new SiteDisclosure(List.of(COUNTS, MODEL), DisclosurePolicy.defaults());
    double[] counts = table(COUNTS, concat(entries("1", "all", 7), entries("2", "all", 40)));
    LogisticRegression regression = MODEL.logisticRegression();
    double[] model = regression.at(regression.start()).encode(rows(11, 5));

    double[] v = disclosure.firstRound(List.of(counts, model));

    assertThat(v).hasSize(SiteDisclosure.firstRoundLength(List.of(COUNTS, MODEL))).hasSize(2 + model.length + 2);
    assertThat(java.util.Arrays.copyOf(v, 2)).containsExactly(7, 40);
    assertThat(java.util.Arrays.copyOfRange(v, 2, 2 + model.length)).containsOnly(0.0);
    assertThat(java.util.Arrays.copyOfRange(v, v.length - 2, v.length)).containsExactly(1, 0);
    assertThat(disclosure.withheld()).containsExactly("model");
    double[] later = regression.at(new double[] {0.1, 0, 0, 0}).encode(rows(11, 5));
    assertThat(disclosure.iteration(later)).as("the withheld regression in a later round").containsOnly(0.0);
  }

  @Test
  void aSiteWithNoRecordInAStatisticSendsItsZerosButIsNoContributor() {
    SiteDisclosure disclosure = new SiteDisclosure(List.of(COUNTS, WELCH), DisclosurePolicy.defaults());

    double[] v = disclosure.firstRound(List.of(new double[] {0, 0}, new double[] {8, 1, 1, 7, 2, 2}));

    assertThat(java.util.Arrays.copyOfRange(v, v.length - 2, v.length)).containsExactly(0, 1);
    assertThat(disclosure.withheld()).as("nothing withheld: there was nothing").isEmpty();
  }

  @Test
  void aLaterRoundBeforeTheFirstIsRefusedAndAPassedRegressionIteratesUnchanged() {
    SiteDisclosure disclosure = new SiteDisclosure(List.of(MODEL), DisclosurePolicy.defaults());
    LogisticRegression regression = MODEL.logisticRegression();
    double[] later = regression.at(new double[] {0.1, 0, 0, 0}).encode(rows(30, 10));
    assertThatThrownBy(() -> disclosure.iteration(later)).isInstanceOf(IllegalStateException.class);

    disclosure.firstRound(List.of(regression.at(regression.start()).encode(rows(30, 10))));

    assertThat(disclosure.withheld()).isEmpty();
    assertThat(disclosure.iteration(later)).containsExactly(later);
  }

  /** A first-round vector cut as the codec takes it: each statistic's slice, then the flags. */
  private static List<double[]> cut(double[] v, int... lengths) {
    List<double[]> parts = new ArrayList<>();
    int offset = 0;
    for (int length : lengths) {
      parts.add(java.util.Arrays.copyOfRange(v, offset, offset + length));
      offset += length;
    }
    return parts;
  }

  @Test
  void theFirstRoundCodecDecodesTheContributorCountsAfterTheStatistics() {
    List<SufficientStatistic<?, ?>> statistics = List.of(COUNTS.statistic(), WELCH.statistic());
    StatisticsEncoding encoding = StatisticsEncoding.forFirstRound(statistics, 1000, 3);
    SecureRandom random = new SecureRandom();
    SiteDisclosure disclosure = new SiteDisclosure(List.of(COUNTS, WELCH), DisclosurePolicy.defaults());
    double[] passes = disclosure.firstRound(List.of(new double[] {6, 9}, new double[] {8, 1, 1, 7, 2, 2}));
    double[] withholds = disclosure.firstRound(List.of(new double[] {2, 9}, new double[] {8, 1, 1, 7, 2, 2}));
    long[] a = encoding.encode(cut(passes, 2, 6, 2), random);
    long[] b = encoding.encode(cut(withholds, 2, 6, 2), random);
    long[] sum = new long[a.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = a[i] + b[i];
    }

    List<double[]> parts = encoding.decode(sum);

    assertThat(encoding.length()).isEqualTo(2 + 6 + 2);
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0)).as("cp: the passing site's counts alone").containsExactly(6, 9);
    assertThat(parts.get(1)).containsExactly(16, 2, 2, 14, 4, 4);
    assertThat(parts.get(2)).as("contributors of cp, thalach").containsExactly(1, 2);
  }
}
