package org.fedfhir.fhir.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.Map;
import org.fedfhir.federation.NeuralNetwork;
import org.fedfhir.federation.Standardisation;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.securecompute.privacy.TrainingPrivacy;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/** A site's local work in an {@code mlp} study, on Cleveland's cohort, without the aggregator. */
class NetworkTrainingTest {

  private final StudyDefinition study = study();
  private final SiteRows cleveland = FederatedHeartDiseaseTest.centres(study).get(HeartDiseaseCentre.CLEVELAND);
  private final FederatedSettings settings = FederatedSettings.of(study);
  private final Standardisation standardisation = Standardisation.fit(trainRows(), cleveland.train(),
      cleveland.features());

  private static StudyDefinition study() {
    try {
      return new StudyParser().parse(FederatedHeartDiseaseTest.networkStudy(Map.of(
          "hidden-layers", new StringType("16,8"), "dropout", new DecimalType(0.2))));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private double[][] trainRows() {
    double[][] x = new double[cleveland.trainCount() + cleveland.testCount()][];
    for (int i : cleveland.train()) {
      x[i] = cleveland.row(i);
    }
    return x;
  }

  @Test
  void twoRunsWithTheSameSeedsGiveIdenticalWeights() {
    double[] start = settings.network().initial();
    double[] first = new SiteRoundWork(cleveland, settings, null, 42L).train(2, start, standardisation);
    double[] second = new SiteRoundWork(cleveland, settings, null, 42L).train(2, start, standardisation);
    assertThat(first).containsExactly(second);
    assertThat(first).isNotEqualTo(new SiteRoundWork(cleveland, settings, null, 43L).train(2, start, standardisation));
  }

  @Test
  void localTrainingLowersTheSitesLogLossAndSendsTheWeightedParameters() {
    NeuralNetwork network = settings.network();
    double[] start = network.initial();
    double[] payload = new SiteRoundWork(cleveland, settings, null, 42L).train(2, start, standardisation);
    double n = payload[payload.length - 1];
    assertThat(payload).hasSize(network.dimension() + 1);
    assertThat(n).isEqualTo(cleveland.trainCount());
    double[] trained = new double[network.dimension()];
    for (int k = 0; k < trained.length; k++) {
      trained[k] = payload[k] / n;
    }
    assertThat(logLoss(network, trained)).isLessThan(logLoss(network, start) - 0.05);
  }

  @Test
  void aPrivateRoundClipsAndNoisesTheNetworksGradient() {
    TrainingPrivacy privacy = new TrainingPrivacy(1, 1e-3, 1, TrainingPrivacy.Unit.RECORD);
    PrivateRounds rounds = new PrivateRounds(privacy, 20, 0.5, settings.algorithm(), settings.network(),
        new SecureRandom());
    double[] theta = settings.network().initial();
    double[] z = StandardisedRows.of(cleveland, cleveland.train(), standardisation).z[0];
    double[] expected = new double[theta.length];
    settings.network().addGradient(theta, z, 1, 0, null, expected);
    assertThat(rounds.gradient(theta, z, 1)).containsExactly(expected);
  }

  private double logLoss(NeuralNetwork network, double[] theta) {
    StandardisedRows rows = StandardisedRows.of(cleveland, cleveland.train(), standardisation);
    double sum = 0;
    for (int i = 0; i < rows.size(); i++) {
      sum += network.addGradient(theta, rows.z[i], rows.y[i], 0, null, new double[theta.length]);
    }
    return sum / rows.size();
  }
}
