package org.fedfhir.study;

import java.time.Period;
import java.util.Objects;
import java.util.Optional;

/**
 * One column of the study's feature matrix.
 *
 * @param name column name, unique in the study
 * @param source where the value comes from
 * @param code the Observation/Condition code (null for Patient features)
 * @param unit the UCUM unit values are converted to (null: numbers are taken as they are)
 * @param summary how several values become one
 * @param lookback only values this recent count (null: all)
 * @param required a patient without a value is excluded (cohort criterion)
 */
public record Feature(
    String name, FeatureSource source, Code code, String unit, Summary summary, Period lookback,
    boolean required) {

  public Feature {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(summary, "summary");
  }

  public Optional<String> ucumUnit() {
    return Optional.ofNullable(unit);
  }

  public Optional<Period> lookbackPeriod() {
    return Optional.ofNullable(lookback);
  }
}
