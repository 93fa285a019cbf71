package org.fedfhir.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.fedfhir.study.StudyDefinition;
import org.fedfhir.study.StudyParser;
import org.junit.jupiter.api.Test;

class PooledReferenceTest {

  @Test
  void pooledModelIsTestedOnEachCentresOwnSplitAsTheSitesTestThemselves() throws Exception {
    StudyDefinition study = new StudyParser().parse(new StudyVariants(FhirContext.forR4Cached()).reference());
    PooledReference.Result r = new PooledReference().train(study);
    // the sites' seeded stratified splits (seed 43, 34 % test): docs/researcher.md, local-only table
    assertThat(r.testCounts()).containsEntry("cleveland", 103).containsEntry("hungarian", 100)
        .containsEntry("switzerland", 42).containsEntry("va", 68);
    assertThat(r.perCentre()).allSatisfy((c, acc) -> assertThat(acc).isBetween(0.6, 1.0));
    double mean = StrategyResult.mean(r.perCentre(), FlambyResults.CENTRES);
    assertThat(mean).isGreaterThan(0.72);
  }
}
