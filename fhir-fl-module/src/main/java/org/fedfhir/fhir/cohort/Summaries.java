package org.fedfhir.fhir.cohort;

import java.time.Instant;
import java.util.DoubleSummaryStatistics;
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

  /**
   * One patient's summary kept as the values arrive, in constant memory: {@link #value} is what
   * {@link #summarise} gives over the same values in the same order (the mean from the same compensated
   * sum as a stream's average, {@code latest} the last value with the latest known time).
   */
  public static final class Running {
    private final DoubleSummaryStatistics stats = new DoubleSummaryStatistics();
    private Instant latestTime;
    private double latest;

    public void add(Instant time, double value) {
      if (stats.getCount() == 0 || latestTime == null || (time != null && !time.isBefore(latestTime))) {
        latestTime = time;
        latest = value;
      }
      stats.accept(value);
    }

    /** The summary so far, or {@code NaN} if no value was added. */
    public double value(Summary summary) {
      if (stats.getCount() == 0) {
        return Double.NaN;
      }
      return switch (summary) {
        case MEAN -> stats.getAverage();
        case MIN -> stats.getMin();
        case MAX -> stats.getMax();
        case LATEST -> latest;
      };
    }
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
