package org.fedfhir.fhir.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fedfhir.study.Summary;
import org.junit.jupiter.api.Test;

class SummariesTest {

  @Test
  void aRunningSummaryEqualsTheSummaryOfTheHeldValuesBitForBit() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 20_000; trial++) {
      List<Summaries.TimedValue> values = new ArrayList<>();
      Summaries.Running running = new Summaries.Running();
      int n = 1 + rng.nextInt(6);
      for (int i = 0; i < n; i++) {
        // few distinct times, some unknown: ties and nulls decide which value is the latest
        Instant t = rng.nextInt(4) == 0 ? null : Instant.ofEpochSecond(rng.nextInt(3));
        double v = rng.nextInt(3) == 0 ? rng.nextDouble(-1e9, 1e9) : Math.round(rng.nextDouble(0, 300) * 100) / 100.0;
        values.add(new Summaries.TimedValue(t, v));
        running.add(t, v);
      }
      for (Summary s : Summary.values()) {
        assertThat(Double.doubleToLongBits(running.value(s))).as("%s of %s", s, values)
            .isEqualTo(Double.doubleToLongBits(Summaries.summarise(s, values)));
      }
    }
  }

  @Test
  void latestIsTheLastValueWithTheLatestKnownTimeAndNothingIsNaN() {
    Summaries.Running running = new Summaries.Running();
    assertThat(running.value(Summary.LATEST)).isNaN();
    running.add(Instant.ofEpochSecond(5), 1);
    running.add(null, 2);
    running.add(Instant.ofEpochSecond(5), 3);
    running.add(Instant.ofEpochSecond(4), 4);
    assertThat(running.value(Summary.LATEST)).isEqualTo(3);
    assertThat(running.value(Summary.MEAN)).isEqualTo(2.5);
  }
}
