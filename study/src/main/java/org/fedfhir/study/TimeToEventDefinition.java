package org.fedfhir.study;

import java.util.List;
import java.util.Objects;

/**
 * How one {@code kaplan-meier} statistic's index and event are defined (docs/study-format.md,
 * "Statistics studies", time to event), as {@link StatisticsDeclarations#timeToEvent} reads them.
 * Whether {@code eventUnit} is a UCUM unit is the site's to check: it converts values into it.
 *
 * @param name the statistic's name
 * @param indexConditions codes of the index Condition (empty: the patient's first record)
 * @param eventConditions codes of the event Condition (may be empty if an Observation is the event)
 * @param eventObservation the code of the event Observation, or null
 * @param above the event Observation's value must exceed this (null: no lower threshold)
 * @param below the event Observation's value must be below this (null: no upper threshold)
 * @param followUpObservations codes of Observations declared as follow-up; accepted so that earlier
 *     studies stay valid, but every Observation and Condition of a patient is a record already
 * @param eventUnit the UCUM unit of {@code above} and {@code below}: each Observation's value is
 *     converted into it (mass ↔ substance by the analyte's molar mass, as for features) and one
 *     that cannot be converted is not an event; null: values are compared as recorded
 */
public record TimeToEventDefinition(String name, List<Code> indexConditions, List<Code> eventConditions,
    Code eventObservation, Double above, Double below, List<Code> followUpObservations, String eventUnit) {

  /** A definition whose thresholds are compared with the values as recorded. */
  public TimeToEventDefinition(String name, List<Code> indexConditions, List<Code> eventConditions,
      Code eventObservation, Double above, Double below, List<Code> followUpObservations) {
    this(name, indexConditions, eventConditions, eventObservation, above, below, followUpObservations, null);
  }

  /** Copies the lists; checks that an event is declared and an Observation event has a threshold. */
  public TimeToEventDefinition {
    Objects.requireNonNull(name, "name");
    indexConditions = List.copyOf(indexConditions);
    eventConditions = List.copyOf(eventConditions);
    followUpObservations = List.copyOf(followUpObservations);
    if (eventConditions.isEmpty() && eventObservation == null) {
      throw new IllegalArgumentException(name + ": a kaplan-meier statistic needs 'eventCondition' or "
          + "'eventObservation'");
    }
    if (eventObservation != null && above == null && below == null) {
      throw new IllegalArgumentException(name + ": 'eventObservation' needs 'eventAbove' or 'eventBelow'");
    }
  }
}
