package org.fedfhir.fhir.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.fedfhir.fhir.Fixtures;
import org.fedfhir.fhir.cohort.Extraction;
import org.fedfhir.fhir.cohort.FeatureExtractor;
import org.fedfhir.fhir.cohort.UcumConverter;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.study.StudyDefinition;
import org.fedfhir.fhir.study.StudyParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HeartDiseaseLocalTrainingTest {

  @Test
  void clevelandLocalLogisticRegressionReachesFlambyLevelAccuracy() throws Exception {
    LocalDate today = LocalDate.of(2026, 11, 23);
    Instant now = today.atStartOfDay(ZoneOffset.UTC).toInstant();
    StudyDefinition study = new StudyParser().parse(Fixtures.study("heart-disease-lr"));
    Extraction ex = new FeatureExtractor(new UcumConverter())
        .extract(study, Fixtures.centre(HeartDiseaseCentre.CLEVELAND, today), now);
    assertThat(ex.counts().included()).isEqualTo(303);

    TrainingData data = new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels());
    TrainingResult r = new LocalTrainer().train(data, new TrainingConfig(LinearAlgorithm.LOGISTIC_REGRESSION,
        study.parameters().localEpochs(), study.parameters().learningRate(), study.parameters().seed(),
        study.parameters().testFraction()), null);
    System.out.println("cleveland " + r.metrics());
    assertThat(r.metrics().accuracy()).isGreaterThanOrEqualTo(0.72);
    assertThat(r.metrics().auc()).isGreaterThan(0.75);
    assertThat(r.metrics().brier()).isBetween(0.0, 0.25);
  }

  /** The local-only baseline of every centre, through the same code path as {@code $train mode=local}. */
  @ParameterizedTest
  @EnumSource(HeartDiseaseCentre.class)
  void everyCentreTrainsLocallyAndReportsTestMetrics(HeartDiseaseCentre centre) throws Exception {
    LocalDate today = LocalDate.of(2026, 11, 23);
    StudyDefinition study = new StudyParser().parse(Fixtures.study("heart-disease-lr"));
    Extraction ex = new FeatureExtractor(new UcumConverter()).extract(study, Fixtures.centre(centre, today),
        today.atStartOfDay(ZoneOffset.UTC).toInstant());
    TrainingResult r = new LocalTrainer().train(
        new TrainingData(ex.matrix().names(), ex.matrix().values(), ex.matrix().labels()),
        new TrainingConfig(LinearAlgorithm.LOGISTIC_REGRESSION, study.parameters().localEpochs(),
            study.parameters().learningRate(), study.parameters().seed(), study.parameters().testFraction()), null);
    System.out.printf("centre %s: %s missing=%d%n", centre.code(), r.metrics(), ex.counts().missing());
    assertThat(r.metrics().testCount()).isGreaterThan(0);
    // better than always answering the majority class of the test split would be too strict for
    // Switzerland (8 negatives of 123); require a real ranking instead
    assertThat(r.metrics().auc()).isGreaterThan(0.5);
  }
}
