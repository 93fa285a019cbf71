package org.fedfhir.cli.bench;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.federation.SiteRows;
import org.fedfhir.fhir.loader.FlambySplit;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseFhir;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.fedfhir.fhir.training.TrainTestSplit;
import org.fedfhir.fhir.training.TrainingData;
import org.fedfhir.study.StudyDefinition;

/**
 * FLamby's Fed-Heart-Disease (du Terrail et al., NeurIPS 2022 Datasets and Benchmarks) as the four
 * sites hold it, on FLamby's rows, split and 13 features:
 * <ol>
 *   <li>each centre's UCI rows become FHIR resources ({@link HeartDiseaseFhir}, as {@code ./fedfhir load}
 *       sends them) and the site's {@link FeatureExtractor} extracts the study's 10 attributes from them,
 *       as {@code $train} does;</li>
 *   <li>only the rows FLamby kept (no {@code ?} in age … oldpeak) are used, each on FLamby's side of its
 *       seed-43 split ({@link FlambySplit}: test 104 / 89 / 16 / 45);</li>
 *   <li>chest-pain type and resting ECG are one-hot encoded as FLamby's {@code pd.get_dummies(…,
 *       drop_first=True)} does (cp 2, 3, 4; restecg 1, 2), after the other eight attributes in file order.</li>
 * </ol>
 * One difference stays, FedFHIR's own: a cholesterol of 0 (UCI's de-facto missing value, every
 * Switzerland row) is no Observation in FHIR, so training imputes the global mean where FLamby keeps 0.
 * Features are standardised as every FedFHIR study is (the STANDARDISE round's global means and SDs),
 * not per centre as FLamby's loader does.
 */
final class FlambyHeartDisease {
  /** FLamby's column order: the attributes it keeps as they are, then the one-hot columns. */
  static final List<String> PLAIN = List.of("age", "sex", "trestbps", "chol", "fbs", "thalach", "exang", "oldpeak");
  /** Category columns and the levels that get a column (the first level of each is dropped). */
  private static final Map<String, List<Integer>> ONE_HOT = linked("cp", List.of(2, 3, 4), "restecg", List.of(1, 2));

  private FlambyHeartDisease() {}

  /** Every centre's rows, in FLamby's client order (Cleveland, Hungarian, Switzerland, VA). */
  static Map<HeartDiseaseCentre, SiteRows> sites(StudyDefinition study, LocalDate today) {
    Map<String, Boolean> isTest = FlambySplit.isTestByRowKey();
    Map<HeartDiseaseCentre, SiteRows> out = new LinkedHashMap<>();
    for (HeartDiseaseCentre c : HeartDiseaseCentre.values()) {
      out.put(c, site(study, c, today, isTest));
    }
    return out;
  }

  /** FLamby's 13 column names. */
  static List<String> featureNames() {
    List<String> names = new ArrayList<>(PLAIN);
    ONE_HOT.forEach((column, levels) -> levels.forEach(l -> names.add(column + "-" + l)));
    return names;
  }

  private static SiteRows site(StudyDefinition study, HeartDiseaseCentre centre, LocalDate today,
      Map<String, Boolean> isTest) {
    InMemoryClinicalData data = InMemoryClinicalData.ofTransaction(HeartDiseaseFhir.transaction(centre, HeartDiseaseRow.read(centre), today));
    Map<String, String> rowKey = new HashMap<>();
    data.patients().forEach(p -> rowKey.put(p.getIdElement().getIdPart(), p.getIdentifierFirstRep().getValue()));
    Extraction ex = new FeatureExtractor(new UcumConverter()).extract(study, data,
        today.atStartOfDay(ZoneOffset.UTC).toInstant());
    FeatureMatrix m = ex.matrix();
    List<double[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < m.values().length; i++) {
      Boolean testRow = isTest.get(rowKey.get(m.patientIds().get(i)));
      if (testRow == null) {
        continue; // FLamby dropped the row: a '?' in one of its attributes
      }
      (testRow ? test : train).add(x.size());
      x.add(encode(m.names(), m.values()[i]));
      y.add(m.labels()[i]);
    }
    return new SiteRows(new TrainingData(featureNames(), x.toArray(new double[0][]),
        ints(y)), TrainTestSplit.given(ints(train), ints(test)));
  }

  /** One extracted row in FLamby's 13 columns. */
  static double[] encode(List<String> names, double[] row) {
    double[] out = new double[PLAIN.size() + ONE_HOT.values().stream().mapToInt(List::size).sum()];
    int k = 0;
    for (String p : PLAIN) {
      out[k++] = row[column(names, p)];
    }
    for (Map.Entry<String, List<Integer>> e : ONE_HOT.entrySet()) {
      double v = row[column(names, e.getKey())];
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException(e.getKey() + " is missing in a row FLamby kept; the FHIR data and "
            + "FLamby's split disagree");
      }
      for (int level : e.getValue()) {
        out[k++] = v == level ? 1 : 0;
      }
    }
    return out;
  }

  private static int column(List<String> names, String name) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("the study extracts no feature '" + name + "' (it has " + names
          + "); FLamby's protocol needs age, sex, cp, trestbps, chol, fbs, restecg, thalach, exang, oldpeak");
    }
    return i;
  }

  private static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static Map<String, List<Integer>> linked(String k1, List<Integer> v1, String k2, List<Integer> v2) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }
}
