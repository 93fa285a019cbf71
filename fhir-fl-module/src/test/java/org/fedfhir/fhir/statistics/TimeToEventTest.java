package org.fedfhir.fhir.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.securecompute.statistics.ContingencyTable;
import org.fedfhir.securecompute.statistics.DisclosurePolicy;
import org.fedfhir.securecompute.statistics.Release;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.SufficientStatistic;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import org.fedfhir.study.Code;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.study.TimeToEventDefinition;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * Kaplan–Meier over the sites' FHIR records: each site's follow-up ({@link TimeToEvent}) encoded by
 * {@link StatisticsContribution}, the sites' vectors summed (as secure aggregation releases them)
 * and combined, against the classical Kaplan–Meier estimator and log-rank test on the pooled
 * patients computed here from the generator's own truth.
 */
class TimeToEventTest {

  static final String SNOMED = "http://snomed.info/sct";
  static final Code INDEX = new Code(SNOMED, "22298006"); // myocardial infarction
  static final Code EVENT = new Code(SNOMED, "84114007"); // heart failure
  static final Code VISIT = new Code("http://loinc.org", "8867-4"); // heart rate, routine
  static final Code SBP = new Code("http://loinc.org", "8480-6");
  static final Code CHOLESTEROL = new Code("http://loinc.org", "2093-3"); // declared nowhere in the study
  static final Code ASTHMA = new Code(SNOMED, "195967001"); // declared nowhere in the study
  static final LocalDate BASE = LocalDate.of(2015, 1, 1);
  static final List<String> FEATURES = List.of("sex", "age");

  /** One generated patient's truth: time and event, or null when the patient has no index date. */
  record Truth(String group, int time, boolean event) {}

  /** One generated site: its records, its cohort and the truth of each cohort patient. */
  record Site(InMemoryClinicalData data, FeatureMatrix matrix, List<Truth> truth) {}

  static Date day(LocalDate d) {
    return Date.from(d.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  static Condition condition(String patient, Code code, LocalDate onset) {
    Condition c = new Condition();
    c.setId(new IdType("Condition", patient + "-" + code.code() + "-" + onset));
    c.setSubject(new Reference("Patient/" + patient));
    c.getCode().addCoding().setSystem(code.system()).setCode(code.code());
    c.setOnset(new DateTimeType(day(onset)));
    return c;
  }

  static Observation observation(String patient, Code code, LocalDate when, double value) {
    Observation o = new Observation();
    o.setSubject(new Reference("Patient/" + patient));
    o.getCode().addCoding().setSystem(code.system()).setCode(code.code());
    o.setEffective(new DateTimeType(day(when)));
    o.setValue(new Quantity().setValue(value).setUnit("1"));
    return o;
  }

  /** n patients; group 1's hazard is higher; a few without index, a few with a pre-index event. */
  static Site site(long seed, int n) {
    Random r = new Random(seed);
    InMemoryClinicalData data = new InMemoryClinicalData();
    List<String> ids = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    List<Truth> truth = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "s" + seed + "-p" + i;
      int sex = r.nextInt(2);
      ids.add(id);
      values.add(new double[] {sex, 40 + r.nextInt(40)});
      LocalDate index = BASE.plusDays(r.nextInt(365));
      int censor = 30 + r.nextInt(700);
      if (r.nextDouble() < 0.05) { // no index Condition: not in the analysis, though in the cohort
        data.add(observation(id, VISIT, index, 70));
        truth.add(null);
        continue;
      }
      if (r.nextDouble() < 0.1) { // an event before the index date is not the event
        data.add(condition(id, EVENT, index.minusDays(10 + r.nextInt(100))));
      }
      data.add(condition(id, INDEX, index));
      if (r.nextDouble() < 0.1) { // a later second index Condition does not move the index date
        data.add(condition(id, INDEX, index.plusDays(r.nextInt(censor + 1))));
      }
      int eventDay = (int) Math.floor(-Math.log(1 - r.nextDouble()) * (sex == 1 ? 250 : 450));
      boolean event = eventDay <= censor;
      int end = event ? eventDay : censor;
      if (event) {
        data.add(condition(id, EVENT, index.plusDays(eventDay)));
        if (r.nextBoolean()) { // a second event later is not the first
          data.add(condition(id, EVENT, index.plusDays(eventDay + 1 + r.nextInt(30))));
        }
      } else {
        data.add(observation(id, VISIT, index.plusDays(censor), 72)); // the last record
      }
      int visits = r.nextInt(4);
      for (int v = 0; v < visits; v++) {
        data.add(observation(id, VISIT, index.plusDays(r.nextInt(end + 1)), 60 + r.nextInt(40)));
      }
      truth.add(new Truth(Integer.toString(sex), end, event));
    }
    // a patient outside the cohort: read by the bulk searches, not counted
    data.add(condition("outsider-" + seed, INDEX, BASE)).add(condition("outsider-" + seed, EVENT, BASE.plusDays(3)));
    FeatureMatrix matrix = new FeatureMatrix(FEATURES, values.toArray(double[][]::new), new int[n], ids);
    return new Site(data, matrix, truth);
  }

  static Extension part(String url, org.hl7.fhir.r4.model.Type value) {
    return new Extension(url, value);
  }

  static Coding coding(Code c) {
    return new Coding(c.system(), c.code(), null);
  }

  /** A statistics study: counts by sex, then Kaplan–Meier of heart failure after infarction by sex. */
  static PlanDefinition study(double[] edges) {
    PlanDefinition pd = new PlanDefinition();
    var action = pd.addAction();
    Extension counts = action.addExtension().setUrl(StatisticsDeclarations.STATISTIC);
    counts.addExtension(part("kind", new CodeType("counts")));
    counts.addExtension(part("name", new StringType("sex")));
    counts.addExtension(part("row", new StringType("sex")));
    counts.addExtension(part("rowCategory", new CodeType("0")));
    counts.addExtension(part("rowCategory", new CodeType("1")));
    Extension km = action.addExtension().setUrl(StatisticsDeclarations.STATISTIC);
    km.addExtension(part("kind", new CodeType("kaplan-meier")));
    km.addExtension(part("name", new StringType("hf-after-mi")));
    km.addExtension(part("groupBy", new StringType("sex")));
    km.addExtension(part("group", new CodeType("1")));
    km.addExtension(part("group", new CodeType("0")));
    for (double e : edges) {
      km.addExtension(part("bucketEdge", new DecimalType(e)));
    }
    km.addExtension(part("timeUnit", new CodeType("d")));
    km.addExtension(part("indexCondition", coding(INDEX)));
    km.addExtension(part("eventCondition", coding(EVENT)));
    km.addExtension(part("followUpObservation", coding(VISIT)));
    return pd;
  }

  /** The sites' vectors summed and combined, as the aggregator releases them. */
  static List<Object> release(PlanDefinition pd, List<Site> sites, DisclosurePolicy policy) {
    return release(pd, sites, policy, policy);
  }

  /**
   * The sites' vectors, each checked at its site under {@code sitePolicy}, summed and combined
   * under {@code policy}.
   */
  static List<Object> release(PlanDefinition pd, List<Site> sites, DisclosurePolicy sitePolicy,
      DisclosurePolicy policy) {
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(pd);
    Map<String, TimeToEventDefinition> definitions = TimeToEvent.read(pd);
    double[] sum = new double[declared.length()];
    for (Site s : sites) {
      double[] v = StatisticsContribution.of(declared.statistics(), declared.maxRecordsPerSite(), s.matrix(),
          definitions, s.data(), sitePolicy).statistics(1, 3);
      assertThat(v).hasSize(declared.length());
      for (int i = 0; i < v.length; i++) {
        sum[i] += v[i];
      }
    }
    List<Object> results = new ArrayList<>();
    int offset = 0;
    for (StatisticDeclaration d : declared.statistics()) {
      SufficientStatistic<?, ?> st = d.statistic();
      results.add(st.combine(Arrays.copyOfRange(sum, offset, offset + st.length()), Release.of(policy, sites.size())));
      offset += st.length();
    }
    return results;
  }

  /** Classical Kaplan–Meier S(t) of one group at time t (events at t counted), on the pooled truth. */
  static double kaplanMeier(List<Truth> pooled, String group, double t) {
    double s = 1;
    TreeSet<Integer> times = new TreeSet<>();
    pooled.stream().filter(p -> p.group().equals(group) && p.event()).forEach(p -> times.add(p.time()));
    for (int tj : times) {
      if (tj > t) {
        break;
      }
      long n = pooled.stream().filter(p -> p.group().equals(group) && p.time() >= tj).count();
      long d = pooled.stream().filter(p -> p.group().equals(group) && p.event() && p.time() == tj).count();
      s *= 1 - (double) d / n;
    }
    return s;
  }

  /** Classical log-rank chi-square of group a against b on the pooled truth. */
  static double logRank(List<Truth> pooled, String a, String b) {
    TreeSet<Integer> times = new TreeSet<>();
    pooled.stream().filter(Truth::event).forEach(p -> times.add(p.time()));
    double o = 0;
    double e = 0;
    double v = 0;
    for (int tj : times) {
      double na = pooled.stream().filter(p -> p.group().equals(a) && p.time() >= tj).count();
      double nb = pooled.stream().filter(p -> p.group().equals(b) && p.time() >= tj).count();
      double da = pooled.stream().filter(p -> p.group().equals(a) && p.event() && p.time() == tj).count();
      double d = pooled.stream().filter(p -> p.event() && p.time() == tj).count();
      double n = na + nb;
      o += da;
      e += na * d / n;
      if (n > 1) {
        v += na * nb * d * (n - d) / (n * n * (n - 1));
      }
    }
    return (o - e) * (o - e) / v;
  }

  static List<Site> threeSites() {
    return List.of(site(11, 120), site(12, 90), site(13, 150));
  }

  static List<Truth> pooled(List<Site> sites) {
    return sites.stream().flatMap(s -> s.truth().stream()).filter(t -> t != null).toList();
  }

  @Test
  void releasedCurvesAndLogRankEqualThePooledKaplanMeierWithDailyBuckets() {
    List<Site> sites = threeSites();
    List<Truth> pooled = pooled(sites);
    double[] edges = SurvivalAnalysis.evenBuckets(1, 800);
    List<Object> results = release(study(edges), sites, DisclosurePolicy.none());

    ContingencyTable.Result counts = (ContingencyTable.Result) results.get(0);
    assertThat(counts).isNotNull();
    SurvivalAnalysis.Result km = (SurvivalAnalysis.Result) results.get(1);
    assertThat(km.sites()).isEqualTo(3);
    assertThat(km.curves()).extracting(SurvivalAnalysis.Curve::group).containsExactly("1", "0");
    double maxError = 0;
    for (SurvivalAnalysis.Curve c : km.curves()) {
      assertThat(c.steps().get(0).atRisk()).isEqualTo(pooled.stream().filter(p -> p.group().equals(c.group())).count());
      for (SurvivalAnalysis.Step step : c.steps()) {
        double expected = kaplanMeier(pooled, c.group(), step.start());
        maxError = Math.max(maxError, Math.abs(step.survival() - expected));
        assertThat(step.survival()).as("S(%s) group %s", step.start(), c.group()).isCloseTo(expected, within(1e-6));
      }
    }
    assertThat(maxError).isLessThan(1e-12);
    double chi = logRank(pooled, "1", "0");
    assertThat(km.logRank()).isPresent();
    assertThat(km.logRank().get().chiSquare()).isCloseTo(chi, within(1e-9 * chi));
    assertThat(km.logRank().get().chiSquare()).isGreaterThan(3.84); // the higher hazard shows
    long events = pooled.stream().filter(Truth::event).count();
    assertThat(km.curves().stream().flatMap(c -> c.steps().stream()).mapToLong(SurvivalAnalysis.Step::events).sum())
        .isEqualTo(events);
  }

  @Test
  void smallRiskSetsAreCutAndSmallEventCountsMergedAsForThePooledData() {
    List<Site> sites = threeSites();
    List<Truth> pooled = pooled(sites);
    double[] edges = SurvivalAnalysis.evenBuckets(30, 26);
    // each site's own 30-day buckets hold fewer than 5 events: under its own check it withholds the
    // curves (the flag after the slices is 0); here the sites send them and the aggregator merges
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(study(edges));
    for (Site s : sites) {
      double[] v = StatisticsContribution.of(declared.statistics(), declared.maxRecordsPerSite(), s.matrix(),
          TimeToEvent.read(study(edges)), s.data(), DisclosurePolicy.defaults()).statistics(1, 3);
      assertThat(v[v.length - 1]).as("kaplan-meier contributed").isZero();
    }
    SurvivalAnalysis.Result km = (SurvivalAnalysis.Result) release(study(edges), sites, DisclosurePolicy.none(),
        DisclosurePolicy.defaults()).get(1);
    // what a central analyst holding all patients would release under the same policy
    SurvivalAnalysis central = new SurvivalAnalysis("hf-after-mi", "sex", List.of("1", "0"), edges, "d");
    SurvivalAnalysis.Result expected = central.combine(central.encode(pooled.stream()
        .map(p -> new SurvivalAnalysis.Record(p.group(), p.time(), p.event())).toList()), Release.of(
        DisclosurePolicy.defaults(), 3));
    assertThat(km.curves()).isEqualTo(expected.curves());
    assertThat(km.logRank()).isEqualTo(expected.logRank());
    assertThat(km.releasedUntil()).isLessThan(edges[edges.length - 1]); // the tail has fewer than 5 at risk
    assertThat(km.suppressed()).anyMatch(s -> s.contains("at risk below the minimum"));
    for (SurvivalAnalysis.Curve c : km.curves()) {
      for (SurvivalAnalysis.Step step : c.steps()) {
        assertThat(step.atRisk()).isGreaterThanOrEqualTo(5);
        assertThat(step.events() == 0 || step.events() >= 5).isTrue();
      }
    }
  }

  @Test
  void followUpIsCensoredAtTheLastRecordAndObservationThresholdsAreEvents() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        // a: index day 0, visits to day 40, no event: censored at 40
        .add(condition("a", INDEX, BASE)).add(observation("a", VISIT, BASE.plusDays(12), 70))
        .add(observation("a", VISIT, BASE.plusDays(40), 70))
        // b: SBP above 160 on day 7 (the 150 on day 3 is not): event at 7, though visits go on
        .add(condition("b", INDEX, BASE)).add(observation("b", SBP, BASE.plusDays(3), 150))
        .add(observation("b", SBP, BASE.plusDays(7), 171)).add(observation("b", VISIT, BASE.plusDays(90), 70))
        // c: high SBP only before the index: censored at its last record, day 20 after the index
        .add(observation("c", SBP, BASE.minusDays(5), 180)).add(condition("c", INDEX, BASE))
        .add(observation("c", SBP, BASE.plusDays(20), 130))
        // d: no index Condition: left out
        .add(observation("d", SBP, BASE, 190));
    FeatureMatrix matrix = new FeatureMatrix(FEATURES, new double[][] {{0, 50}, {1, 60}, {0, 70}, {1, 55}},
        new int[4], List.of("a", "b", "c", "d"));
    StatisticDeclaration.KaplanMeier decl = new StatisticDeclaration.KaplanMeier("sbp", "sex", List.of("0", "1"),
        new double[] {0, 7, 14, 28, 56}, "wk", Optional.empty());
    TimeToEventDefinition def = new TimeToEventDefinition("sbp", List.of(INDEX), List.of(), SBP, 160.0, null,
        List.of(VISIT));

    List<SurvivalAnalysis.Record> records = TimeToEvent.extract(decl, def, matrix, data);

    assertThat(records).containsExactly(new SurvivalAnalysis.Record("0", 40 / 7.0, false),
        new SurvivalAnalysis.Record("1", 1.0, true), new SurvivalAnalysis.Record("0", 20 / 7.0, false));
  }

  @Test
  void anEventThresholdWithAUnitIsComparedWithValuesConvertedIntoIt() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        // a: 5.2 mmol/L (201 mg/dL) on day 10, 6.5 mmol/L (251 mg/dL) on day 30: event at 30
        .add(condition("a", INDEX, BASE)).add(cholesterol("a", BASE.plusDays(10), 5.2, "mmol/L"))
        .add(cholesterol("a", BASE.plusDays(30), 6.5, "mmol/L"))
        // b: 255 mg/dL on day 20: event at 20
        .add(condition("b", INDEX, BASE)).add(cholesterol("b", BASE.plusDays(20), 255, "mg/dL"))
        // c: 300 in a unit that is no concentration: never an event, censored at its last record
        .add(condition("c", INDEX, BASE)).add(cholesterol("c", BASE.plusDays(40), 300, "mm[Hg]"));
    FeatureMatrix matrix = new FeatureMatrix(FEATURES, new double[][] {{0, 50}, {1, 60}, {0, 70}}, new int[3],
        List.of("a", "b", "c"));
    StatisticDeclaration.KaplanMeier decl = new StatisticDeclaration.KaplanMeier("chol", "sex", List.of("0", "1"),
        new double[] {0, 30, 60}, "d", Optional.empty());
    TimeToEventDefinition def = new TimeToEventDefinition("chol", List.of(INDEX), List.of(), CHOLESTEROL, 240.0,
        null, List.of(), "mg/dL");

    assertThat(TimeToEvent.extract(decl, def, matrix, data)).containsExactly(
        new SurvivalAnalysis.Record("0", 30, true), new SurvivalAnalysis.Record("1", 20, true),
        new SurvivalAnalysis.Record("0", 40, false));
    TimeToEventDefinition raw = new TimeToEventDefinition("chol", List.of(INDEX), List.of(), CHOLESTEROL, 240.0,
        null, List.of());
    assertThat(TimeToEvent.extract(decl, raw, matrix, data)).as("without a unit, 6.5 is not above 240")
        .contains(new SurvivalAnalysis.Record("0", 30, false));
    assertThatThrownBy(() -> TimeToEvent.checked(new TimeToEventDefinition("chol", List.of(INDEX), List.of(),
        CHOLESTEROL, 240.0, null, List.of(), "milligrams"))).hasMessageContaining("'eventUnit' milligrams is not a UCUM unit");
  }

  static Observation cholesterol(String patient, LocalDate when, double value, String unit) {
    Observation o = observation(patient, CHOLESTEROL, when, value);
    o.setValue(new Quantity().setValue(value).setSystem("http://unitsofmeasure.org").setCode(unit).setUnit(unit));
    return o;
  }

  /** Heart failure after infarction, in days, grouped by sex; {@code VISIT} declared as follow-up. */
  static List<SurvivalAnalysis.Record> hfAfterMi(InMemoryClinicalData data, List<String> patients,
      List<Code> index) {
    FeatureMatrix matrix = new FeatureMatrix(FEATURES, patients.stream().map(p -> new double[] {0, 50})
        .toArray(double[][]::new), new int[patients.size()], patients);
    StatisticDeclaration.KaplanMeier decl = new StatisticDeclaration.KaplanMeier("hf", "sex", List.of("0", "1"),
        new double[] {0, 30, 60}, "d", Optional.empty());
    TimeToEventDefinition def = new TimeToEventDefinition("hf", index, List.of(EVENT), null, null, null,
        List.of(VISIT));
    return TimeToEvent.extract(decl, def, matrix, data);
  }

  @Test
  void withoutAnEventFollowUpIsCensoredAtALaterRecordOfAnUndeclaredCode() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        // a: the last declared record (a VISIT) on day 40, then a cholesterol test on day 300
        .add(condition("a", INDEX, BASE)).add(observation("a", VISIT, BASE.plusDays(40), 70))
        .add(observation("a", CHOLESTEROL, BASE.plusDays(300), 5.1))
        // b: nothing declared after the index, a cholesterol test with only an issued date on day 90
        .add(condition("b", INDEX, BASE));
    Observation issuedOnly = observation("b", CHOLESTEROL, BASE, 4.2).setEffective(null);
    issuedOnly.setIssued(day(BASE.plusDays(90)));
    data.add(issuedOnly)
        // c: a lab panel over days 10 to 75 counts by its end
        .add(condition("c", INDEX, BASE));
    Observation panel = observation("c", CHOLESTEROL, BASE, 5.0);
    panel.setEffective(new Period().setStart(day(BASE.plusDays(10))).setEnd(day(BASE.plusDays(75))));
    data.add(panel)
        // d: heart failure on day 20 is the event, whatever comes later
        .add(condition("d", INDEX, BASE)).add(condition("d", EVENT, BASE.plusDays(20)))
        .add(observation("d", CHOLESTEROL, BASE.plusDays(500), 6.0))
        // another patient's and a Group's later records are not a's
        .add(observation("outsider", CHOLESTEROL, BASE.plusDays(900), 5.0));
    Observation groupLevel = new Observation();
    groupLevel.setSubject(new Reference("Group/a"));
    groupLevel.getCode().addCoding().setSystem(CHOLESTEROL.system()).setCode(CHOLESTEROL.code());
    groupLevel.setEffective(new DateTimeType(day(BASE.plusDays(1000))));
    data.add(groupLevel);

    assertThat(hfAfterMi(data, List.of("a", "b", "c", "d"), List.of(INDEX))).containsExactly(
        new SurvivalAnalysis.Record("0", 300, false), new SurvivalAnalysis.Record("0", 90, false),
        new SurvivalAnalysis.Record("0", 75, false), new SurvivalAnalysis.Record("0", 20, true));
  }

  @Test
  void conditionDatesCountAsRecordsAndRecordsBeforeTheIndexDoNot() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        // a: an old asthma diagnosis, years before, abated on day 120 after the index
        .add(condition("a", INDEX, BASE));
    Condition asthma = condition("a", ASTHMA, BASE.minusYears(5));
    asthma.setAbatement(new DateTimeType(day(BASE.plusDays(120))));
    data.add(asthma);
    // b: an asthma Condition recorded on day 200 (its onset, an age, is no date)
    data.add(condition("b", INDEX, BASE));
    Condition recorded = condition("b", ASTHMA, BASE).setOnset(new Age().setValue(30));
    recorded.setRecordedDate(day(BASE.plusDays(200)));
    data.add(recorded)
        // c: only records before the index besides the index itself: censored at 0
        .add(observation("c", CHOLESTEROL, BASE.minusDays(30), 5.5)).add(condition("c", INDEX, BASE));

    assertThat(hfAfterMi(data, List.of("a", "b", "c"), List.of(INDEX))).containsExactly(
        new SurvivalAnalysis.Record("0", 120, false), new SurvivalAnalysis.Record("0", 200, false),
        new SurvivalAnalysis.Record("0", 0, false));
  }

  @Test
  void withoutAnIndexConditionFollowUpRunsFromTheFirstToTheLastRecordOfAnyCode() {
    InMemoryClinicalData data = new InMemoryClinicalData()
        .add(observation("a", CHOLESTEROL, BASE, 5.0)).add(observation("a", VISIT, BASE.plusDays(10), 70))
        .add(condition("a", ASTHMA, BASE.plusDays(50)))
        .add(observation("b", CHOLESTEROL, BASE, 5.0)).add(condition("b", EVENT, BASE.plusDays(35)))
        .add(observation("b", CHOLESTEROL, BASE.plusDays(90), 5.0));

    assertThat(hfAfterMi(data, List.of("a", "b", "c"), List.of())).containsExactly(
        new SurvivalAnalysis.Record("0", 50, false), new SurvivalAnalysis.Record("0", 35, true));
  }

  @Test
  void pooledKaplanMeierStillEqualsTheFederatedOneWhenSitesHoldUndeclaredLaterRecords() {
    // every censored patient also has a later undeclared record: the truth is censored there
    List<Site> sites = new ArrayList<>();
    for (Site s : threeSites()) {
      List<Truth> truth = new ArrayList<>();
      for (int i = 0; i < s.truth().size(); i++) {
        Truth t = s.truth().get(i);
        String id = s.matrix().patientIds().get(i);
        if (t != null && !t.event()) {
          int later = t.time() + 1 + (id.hashCode() & 0x3f);
          LocalDate[] index = new LocalDate[1];
          s.data().conditions(List.of(INDEX), c -> {
            if (c.getSubject().getReference().equals("Patient/" + id)) {
              LocalDate onset = LocalDate.ofInstant(c.getOnsetDateTimeType().getValue().toInstant(), ZoneOffset.UTC);
              index[0] = index[0] == null || onset.isBefore(index[0]) ? onset : index[0];
            }
          });
          s.data().add(observation(id, CHOLESTEROL, index[0].plusDays(later), 5.0));
          t = new Truth(t.group(), later, false);
        }
        truth.add(t);
      }
      sites.add(new Site(s.data(), s.matrix(), truth));
    }
    List<Truth> pooled = pooled(sites);
    double[] edges = SurvivalAnalysis.evenBuckets(1, 900);
    SurvivalAnalysis.Result km = (SurvivalAnalysis.Result) release(study(edges), sites, DisclosurePolicy.none())
        .get(1);
    for (SurvivalAnalysis.Curve c : km.curves()) {
      for (SurvivalAnalysis.Step step : c.steps()) {
        assertThat(step.survival()).as("S(%s) group %s", step.start(), c.group())
            .isCloseTo(kaplanMeier(pooled, c.group(), step.start()), within(1e-12));
      }
    }
    assertThat(km.logRank().get().chiSquare()).isCloseTo(logRank(pooled, "1", "0"), within(1e-9));
  }

  @Test
  void aKaplanMeierStatisticWithoutIndexOrEventIsRefused() {
    PlanDefinition pd = study(new double[] {0, 30, 60});
    Extension km = pd.getActionFirstRep().getExtensionsByUrl(StatisticsDeclarations.STATISTIC).get(1);
    km.getExtension().removeIf(e -> e.getUrl().equals("eventCondition"));
    assertThatThrownBy(() -> TimeToEvent.read(pd)).hasMessageContaining("needs 'eventCondition' or 'eventObservation'");
    StatisticsDeclarations.Study declared = StatisticsDeclarations.read(pd);
    Site s = site(1, 10);
    assertThatThrownBy(() -> StatisticsContribution.of(declared.statistics(), declared.maxRecordsPerSite(),
        s.matrix(), Map.of(), s.data(), DisclosurePolicy.defaults())).hasMessageContaining("hf-after-mi: a kaplan-meier statistic needs");
  }
}
