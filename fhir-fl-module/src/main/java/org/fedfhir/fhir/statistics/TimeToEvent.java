package org.fedfhir.fhir.statistics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fedfhir.fhir.cohort.ClinicalDataSource;
import org.fedfhir.fhir.cohort.FeatureMatrix;
import org.fedfhir.securecompute.statistics.SiteStatistics;
import org.fedfhir.securecompute.statistics.StatisticDeclaration;
import org.fedfhir.securecompute.statistics.SurvivalAnalysis;
import org.fedfhir.study.Code;
import org.fedfhir.study.StatisticsDeclarations;
import org.fedfhir.study.TimeToEventDefinition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * Site-side longitudinal extraction for a {@code kaplan-meier} statistic (docs/study-format.md,
 * "Statistics studies", time to event): per cohort patient, the time from an index date to an
 * event, or censored at the patient's last record, read through the site's
 * {@link ClinicalDataSource} (one bulk search per code and one pass over the site's records, never
 * a search per patient).
 *
 * <ul>
 *   <li><b>Records</b> of a patient: every Observation and Condition of the patient at the site,
 *       whatever its code ({@link ClinicalDataSource#records}). An Observation's dates are its
 *       {@code effectiveDateTime}, {@code effectivePeriod} (start and end) or {@code effectiveInstant},
 *       else its {@code issued}; a Condition's are its {@code onsetDateTime}, {@code onsetPeriod},
 *       {@code abatementDateTime}, {@code abatementPeriod} and {@code recordedDate}. The patient's
 *       first record is the earliest of these dates, the last record the latest.
 *   <li><b>Index date</b>: the earliest onset of a Condition with one of the {@code indexCondition}
 *       codes; without {@code indexCondition}, the patient's first record. A patient with no index
 *       date is left out.
 *   <li><b>Event</b>: the earliest onset of a Condition with one of the {@code eventCondition}
 *       codes, or the earliest Observation of {@code eventObservation} whose value (or the value of
 *       its component with that code), converted into {@code eventUnit} if declared, is above
 *       {@code eventAbove} or below {@code eventBelow}, on or
 *       after the index date.
 *   <li><b>Censoring</b>: without an event, at the patient's last record; records before the index
 *       date do not matter, and a patient whose last record is before the index date is censored at
 *       0. {@code followUpObservation} codes are accepted but change nothing: their Observations are
 *       records like all others.
 * </ul>
 *
 * Dates are UTC calendar days; the time is converted into the statistic's {@code timeUnit}
 * ({@code d}, {@code wk}, {@code mo} = 30.4375 d, {@code a} = 365.25 d). The group is the
 * category of the declared {@code groupBy} feature in the study's feature matrix. Nothing here
 * logs or keeps a date or a value.
 */
public final class TimeToEvent {

  private TimeToEvent() {}

  /**
   * The index and event definitions of the study's {@code kaplan-meier} statistics, by name, as the
   * study's parser reads them ({@link StatisticsDeclarations#timeToEvent}), each {@link #checked}.
   *
   * @throws IllegalArgumentException naming the statistic when its index or event is incomplete
   */
  public static Map<String, TimeToEventDefinition> read(PlanDefinition study) {
    return checked(StatisticsDeclarations.timeToEvent(study));
  }

  /**
   * The study's time-to-event definitions, each {@link #checked}.
   *
   * @throws IllegalArgumentException naming the first statistic whose event unit this site cannot use
   */
  public static Map<String, TimeToEventDefinition> checked(Map<String, TimeToEventDefinition> definitions) {
    definitions.values().forEach(TimeToEvent::checked);
    return definitions;
  }

  /**
   * The definition, once its {@code eventUnit} is known to be a UCUM unit this site can convert
   * into.
   *
   * @throws IllegalArgumentException naming the statistic when it is not
   */
  public static TimeToEventDefinition checked(TimeToEventDefinition definition) {
    String unit = definition.eventUnit();
    if (unit != null && !Ucum.CONVERTER.isValid(unit)) {
      throw new IllegalArgumentException(definition.name() + ": 'eventUnit' " + unit + " is not a UCUM unit");
    }
    return definition;
  }

  /**
   * Each cohort patient's follow-up for one statistic.
   *
   * @param declaration the statistic (its {@code groupBy} and {@code timeUnit})
   * @param definition its index and event
   * @param matrix the study's extracted cohort (patients and their features)
   * @param data the site's clinical data
   * @return one record per cohort patient with an index date, in the matrix's order
   */
  public static List<SurvivalAnalysis.Record> extract(StatisticDeclaration.KaplanMeier declaration,
      TimeToEventDefinition definition, FeatureMatrix matrix, ClinicalDataSource data) {
    checked(definition);
    double daysPerUnit = daysPerUnit(declaration.timeUnit());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < matrix.patientIds().size(); i++) {
      index.put(matrix.patientIds().get(i), i);
    }
    int n = matrix.patientIds().size();
    LocalDate[] first = new LocalDate[n];
    LocalDate[] last = new LocalDate[n];
    LocalDate[] indexDate = new LocalDate[n];
    List<List<LocalDate>> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(new ArrayList<>());
    }
    data.records(o -> {
      Integer row = index.get(patientId(o.getSubject()));
      if (row != null) {
        record(first, last, row, dates(o));
      }
    }, c -> {
      Integer row = index.get(patientId(c.getSubject()));
      if (row != null) {
        record(first, last, row, dates(c));
      }
    });
    List<Code> conditionCodes = new ArrayList<>(definition.indexConditions());
    definition.eventConditions().stream().filter(c -> !conditionCodes.contains(c)).forEach(conditionCodes::add);
    if (!conditionCodes.isEmpty()) {
      data.conditions(conditionCodes, c -> {
        Integer row = index.get(patientId(c.getSubject()));
        LocalDate date = row == null ? null : onset(c);
        if (date == null) {
          return;
        }
        if (definition.indexConditions().stream().anyMatch(code -> has(c, code))) {
          indexDate[row] = min(indexDate[row], date);
        }
        if (definition.eventConditions().stream().anyMatch(code -> has(c, code))) {
          events.get(row).add(date);
        }
      });
    }
    if (definition.eventObservation() != null) {
      Code code = definition.eventObservation();
      data.observations(code, o -> {
        Integer row = index.get(patientId(o.getSubject()));
        LocalDate date = row == null ? null : date(o);
        if (date == null) {
          return;
        }
        Double v = value(o, code, definition.eventUnit());
        if (v != null && (definition.above() == null || v > definition.above())
            && (definition.below() == null || v < definition.below())) {
          events.get(row).add(date);
        }
      });
    }
    List<SurvivalAnalysis.Record> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      LocalDate start = definition.indexConditions().isEmpty() ? first[i] : indexDate[i];
      if (start == null) {
        continue;
      }
      LocalDate event = null;
      for (LocalDate d : events.get(i)) {
        if (!d.isBefore(start)) {
          event = min(event, d);
        }
      }
      String group = declaration.groupBy() == null ? SurvivalAnalysis.ALL
          : SiteStatistics.category(value(matrix, i, declaration.groupBy()));
      // censored at the last record; a last record before the index date is censored at 0
      LocalDate end = event != null ? event : last[i] == null || last[i].isBefore(start) ? start : last[i];
      records.add(new SurvivalAnalysis.Record(group, ChronoUnit.DAYS.between(start, end) / daysPerUnit,
          event != null));
    }
    return records;
  }

  /** Days per UCUM time unit: {@code d}, {@code wk}, {@code mo} (30.4375 d), {@code a} (365.25 d). */
  public static double daysPerUnit(String unit) {
    return switch (unit == null ? "d" : unit) {
      case "d" -> 1;
      case "wk" -> 7;
      case "mo" -> 30.4375;
      case "a" -> 365.25;
      default -> throw new IllegalArgumentException("timeUnit '" + unit + "': need d, wk, mo or a");
    };
  }

  private static double value(FeatureMatrix m, int row, String variable) {
    if (SiteStatistics.LABEL.equals(variable)) {
      return m.labels()[row];
    }
    int j = m.names().indexOf(variable);
    if (j < 0) {
      throw new IllegalArgumentException("the study has no feature '" + variable + "' (features: " + m.names()
          + ", or '" + SiteStatistics.LABEL + "')");
    }
    return m.values()[row][j];
  }

  /** Widens the patient's first and last record to the dates of one more record. */
  private static void record(LocalDate[] first, LocalDate[] last, int row, List<LocalDate> dates) {
    for (LocalDate d : dates) {
      first[row] = min(first[row], d);
      last[row] = max(last[row], d);
    }
  }

  /** The smaller date; null counts as none. */
  private static LocalDate min(LocalDate a, LocalDate b) {
    return a == null || b != null && b.isBefore(a) ? b : a;
  }

  /** The larger date; null counts as none. */
  private static LocalDate max(LocalDate a, LocalDate b) {
    return a == null || b != null && b.isAfter(a) ? b : a;
  }

  private static boolean has(Condition c, Code code) {
    return c.getCode().hasCoding(code.system(), code.code());
  }

  /** The value of {@code code} in {@code o} (or its component), in {@code unit} if one is declared. */
  private static Double value(Observation o, Code code, String unit) {
    if (o.getCode().hasCoding(code.system(), code.code()) && o.getValue() instanceof Quantity q && q.hasValue()) {
      return inUnit(q, unit, code);
    }
    for (Observation.ObservationComponentComponent c : o.getComponent()) {
      if (c.getCode().hasCoding(code.system(), code.code()) && c.getValue() instanceof Quantity q && q.hasValue()) {
        return inUnit(q, unit, code);
      }
    }
    return null;
  }

  private static Double inUnit(Quantity q, String unit, Code analyte) {
    double value = q.getValue().doubleValue();
    if (unit == null) {
      return value;
    }
    String recorded = q.hasCode() ? q.getCode() : q.getUnit();
    java.util.OptionalDouble converted = Ucum.CONVERTER.convert(value, recorded, unit, analyte);
    return converted.isPresent() ? converted.getAsDouble() : null;
  }

  /** One UCUM service, loaded when a threshold unit is first declared. */
  private static final class Ucum {
    static final org.fedfhir.fhir.cohort.UcumConverter CONVERTER = new org.fedfhir.fhir.cohort.UcumConverter();
  }

  private static LocalDate onset(Condition c) {
    Type t = c.getOnset();
    if (t instanceof DateTimeType dt && dt.hasValue()) {
      return day(dt.getValue());
    }
    if (t instanceof Period p && p.hasStart()) {
      return day(p.getStart());
    }
    return c.hasRecordedDate() ? day(c.getRecordedDate()) : null;
  }

  private static LocalDate date(Observation o) {
    Type e = o.getEffective();
    if (e instanceof DateTimeType dt && dt.hasValue()) {
      return day(dt.getValue());
    }
    if (e instanceof Period p && p.hasStart()) {
      return day(p.getStart());
    }
    if (e instanceof InstantType it && it.hasValue()) {
      return day(it.getValue());
    }
    return o.hasIssued() ? day(o.getIssued()) : null;
  }

  /** A record's dates: the effective date, period (start and end) or instant, else {@code issued}. */
  private static List<LocalDate> dates(Observation o) {
    Type e = o.getEffective();
    List<LocalDate> out = new ArrayList<>(2);
    if (e instanceof DateTimeType dt && dt.hasValue()) {
      out.add(day(dt.getValue()));
    } else if (e instanceof Period p) {
      period(p, out);
    } else if (e instanceof InstantType it && it.hasValue()) {
      out.add(day(it.getValue()));
    }
    if (out.isEmpty() && o.hasIssued()) {
      out.add(day(o.getIssued()));
    }
    return out;
  }

  /** A record's dates: onset and abatement (date-time, or period start and end) and recorded date. */
  private static List<LocalDate> dates(Condition c) {
    List<LocalDate> out = new ArrayList<>(3);
    for (Type t : new Type[] {c.getOnset(), c.getAbatement()}) {
      if (t instanceof DateTimeType dt && dt.hasValue()) {
        out.add(day(dt.getValue()));
      } else if (t instanceof Period p) {
        period(p, out);
      }
    }
    if (c.hasRecordedDate()) {
      out.add(day(c.getRecordedDate()));
    }
    return out;
  }

  private static void period(Period p, List<LocalDate> out) {
    if (p.hasStart()) {
      out.add(day(p.getStart()));
    }
    if (p.hasEnd()) {
      out.add(day(p.getEnd()));
    }
  }

  private static LocalDate day(Date d) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(d.getTime()), ZoneOffset.UTC);
  }

  /** The id of a {@code Patient/…} (or untyped) subject; null for a Group, Device or Location. */
  private static String patientId(Reference subject) {
    if (subject == null || !subject.hasReference()) {
      return null;
    }
    String type = subject.getReferenceElement().getResourceType();
    return type == null || "Patient".equals(type) ? subject.getReferenceElement().getIdPart() : null;
  }
}
