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
}
