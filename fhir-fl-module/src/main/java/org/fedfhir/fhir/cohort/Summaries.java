package org.fedfhir.fhir.cohort;

import java.time.Instant;
import java.util.List;
import org.fedfhir.study.Summary;

/** Reduces several timed values of one feature of one patient to one number. */
public final class Summaries {

  /** A value and when it was observed (null time: unknown, sorts before every known time). */
  public record TimedValue(Instant time, double value) {}

  private Summaries() {}

  /** The summary of {@code values}, or {@code NaN} if there are none. */
  public static double summarise(Summary summary, List<TimedValue> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    return switch (summary) {
      case MEAN -> values.stream().mapToDouble(TimedValue::value).average().orElse(Double.NaN);
      case MIN -> values.stream().mapToDouble(TimedValue::value).min().orElse(Double.NaN);
      case MAX -> values.stream().mapToDouble(TimedValue::value).max().orElse(Double.NaN);
      case LATEST -> values.get(latestIndex(values)).value();
    };
  }

  /** The index of the value {@code latest} takes: the last one with the latest known time. */
  public static int latestIndex(List<TimedValue> values) {
    int best = 0;
    for (int i = 0; i < values.size(); i++) {
      TimedValue v = values.get(i);
      TimedValue b = values.get(best);
      if (b.time() == null || (v.time() != null && !v.time().isBefore(b.time()))) {
        best = i;
      }
    }
    return best;
  }
}
