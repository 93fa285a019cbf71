package org.fedfhir.federation;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import org.fedfhir.federation.v1.GlobalModel;
import org.fedfhir.federation.v1.Participant;
import org.fedfhir.federation.v1.Phase;
import org.fedfhir.federation.v1.RoundStart;
import org.junit.jupiter.api.Test;

/** The study limits a site holds every round the aggregator starts to (SiteSessionTest: before it computes anything). */
class StudyLimitsTest {

  private static RoundStart.Builder roundStart() {
    return RoundStart.newBuilder().setPhase(Phase.STANDARDISE).setTrainingRounds(20);
  }

  private static GlobalModel model(int length) {
    return GlobalModel.newBuilder().addAllWeights(Collections.nCopies(length, 0.0)).build();
  }

  @Test
  void aRoundStartAtEveryLimitIsWithinThem() {
    RoundStart start = roundStart().setTrainingRounds(StudyLimits.MAX_ROUNDS)
        .addAllParticipants(Collections.nCopies(StudyLimits.MAX_SITES, Participant.getDefaultInstance()))
        .setGlobalModel(model(StudyLimits.MAX_VECTOR_LENGTH)).build();

    assertThatCode(() -> StudyLimits.requireWithin(start)).doesNotThrowAnyException();
  }

  @Test
  void moreTrainingRoundsThanTheLimitAreRefused() {
    assertThatThrownBy(() -> StudyLimits.requireWithin(roundStart().setTrainingRounds(1001).build()))
        .isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessage("round start training_rounds of 1001 exceeds the limit 1000 (docs/study-format.md, Limits)");
  }

  @Test
  void moreParticipantsThanTheLimitAreRefused() {
    RoundStart start = roundStart()
        .addAllParticipants(Collections.nCopies(StudyLimits.MAX_SITES + 1, Participant.getDefaultInstance())).build();

    assertThatThrownBy(() -> StudyLimits.requireWithin(start)).isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("participants of 1001 exceeds the limit 1000");
  }

  @Test
  void aGlobalModelLongerThanTheVectorLimitIsRefused() {
    RoundStart start = roundStart().setGlobalModel(model(StudyLimits.MAX_VECTOR_LENGTH + 1)).build();

    assertThatThrownBy(() -> StudyLimits.requireWithin(start)).isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("global_model.weights of 1000001 exceeds the limit 1000000");
  }

  @Test
  void aStandardisationLongerThanTheVectorLimitIsRefused() {
    RoundStart.Builder start = roundStart();
    start.getStandardisationBuilder().addAllSds(Collections.nCopies(StudyLimits.MAX_VECTOR_LENGTH + 1, 1.0));

    assertThatThrownBy(() -> StudyLimits.requireWithin(start.build()))
        .isInstanceOf(StudyLimits.ExceededException.class)
        .hasMessageContaining("standardisation of 1000001 exceeds the limit 1000000");
  }
}
