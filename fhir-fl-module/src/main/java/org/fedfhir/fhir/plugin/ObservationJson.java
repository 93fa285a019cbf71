package org.fedfhir.fhir.plugin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Parses the stored JSON of an Observation of the common shape in one streaming pass, without HAPI's
 * intermediate tree and reflective model walk; {@code null} for anything else, which the caller then
 * parses with HAPI's parser. Extraction reads a dozen Observations per patient, and HAPI's parser was two
 * thirds of the reader's CPU.
 *
 * <p>The common shape: {@code status}, {@code category}, {@code code}, {@code subject} (a reference and
 * display), {@code effectiveDateTime}, {@code effectivePeriod}, {@code effectiveInstant}, {@code issued},
 * {@code valueQuantity}, {@code valueBoolean}, {@code valueInteger}, {@code valueString},
 * {@code valueCodeableConcept} and {@code component} (code and those values); codeable concepts with
 * codings (system, version, code, display) and text; quantities with value, comparator, unit, system and
 * code. Any other element, an extension (including a primitive's {@code _element}), {@code meta},
 * {@code id}, a value of an unexpected JSON type, an empty string, a decimal that a {@code BigDecimal}
 * would write otherwise ({@code 1e2}, {@code 0.0000001}) or a value the model rejects makes it
 * answer {@code null}: it never drops an element, so what it returns equals HAPI's parse of the same
 * text ({@code ObservationJsonTest} compares the two on a synthetic population and checks the refusals).
 */
final class ObservationJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ObservationJson() {
  }

  /** The Observation {@code text} holds, or {@code null} when it is not of the common shape. */
  static Observation parse(String text) {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      Observation o = new Observation();
      boolean typed = false;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        p.nextToken();
        boolean read = switch (name) {
          case "resourceType" -> typed = !typed && "Observation".equals(string(p));
          case "status" -> {
            String code = string(p);
            if (code == null || o.hasStatus()) {
              yield false;
            }
            o.setStatus(Observation.ObservationStatus.fromCode(code));
            yield true;
          }
          case "category" -> array(p, () -> concept(p), o::addCategory);
          case "code" -> !o.hasCode() && set(concept(p), o::setCode);
          case "subject" -> !o.hasSubject() && set(reference(p), o::setSubject);
          case "issued" -> !o.hasIssued() && set(instant(p), o::setIssuedElement);
          case "component" -> array(p, () -> component(p), o::addComponent);
          default -> name.startsWith("effective") ? !o.hasEffective() && set(effective(p, name), o::setEffective)
              : name.startsWith("value") && !o.hasValue() && set(value(p, name), o::setValue);
        };
        if (!read) {
          return null;
        }
      }
      return typed && p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null && o.hasStatus() ? o : null;
    } catch (IOException | RuntimeException e) {
      return null; // not JSON this parser reads, or a value the model rejects: HAPI's parser decides
    }
  }

  private static <T> boolean set(T value, Consumer<T> setter) {
    if (value == null) {
      return false;
    }
    setter.accept(value);
    return true;
  }

  private interface Element<T> {
    T read() throws IOException;
  }

  private static <T> boolean array(JsonParser p, Element<T> element, Consumer<T> add) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      return false;
    }
    boolean any = false;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      T value = element.read();
      if (value == null) {
        return false;
      }
      add.accept(value);
      any = true;
    }
    return any;
  }

  /** A non-empty JSON string, else null. */
  private static String string(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return null;
    }
    String s = p.getText();
    return s.isEmpty() ? null : s;
  }

  /** Reads one named element of an object; false when it does not read it (the object is then refused). */
  private interface Field {
    boolean read(String name) throws IOException;
  }

  /**
   * The JSON object at the parser read into {@code into} one field at a time, or {@code null}: not an
   * object, a field that {@code field} does not read, or {@code into} not {@code complete} at its end.
   */
  private static <T> T object(JsonParser p, T into, Field field, Predicate<T> complete)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      return null;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (!field.read(name)) {
        return null;
      }
    }
    return complete.test(into) ? into : null;
  }

  private static CodeableConcept concept(JsonParser p) throws IOException {
    CodeableConcept c = new CodeableConcept();
    return object(p, c, name -> switch (name) {
      case "coding" -> array(p, () -> coding(p), c::addCoding);
      case "text" -> set(string(p), c::setText);
      default -> false;
    }, v -> !v.isEmpty());
  }

  private static Coding coding(JsonParser p) throws IOException {
    Coding c = new Coding();
    return object(p, c, name -> switch (name) {
      case "system" -> set(string(p), c::setSystem);
      case "version" -> set(string(p), c::setVersion);
      case "code" -> set(string(p), c::setCode);
      case "display" -> set(string(p), c::setDisplay);
      default -> false;
    }, v -> !v.isEmpty());
  }

  private static Reference reference(JsonParser p) throws IOException {
    Reference r = new Reference();
    return object(p, r, name -> switch (name) {
      case "reference" -> set(string(p), r::setReference);
      case "display" -> set(string(p), r::setDisplay);
      default -> false;
    }, Reference::hasReference);
  }

  private static InstantType instant(JsonParser p) throws IOException {
    String s = string(p);
    return s == null ? null : new InstantType(s);
  }

  private static DateTimeType dateTime(JsonParser p) throws IOException {
    String s = string(p);
    return s == null ? null : new DateTimeType(s);
  }

  private static Type effective(JsonParser p, String name) throws IOException {
    return switch (name) {
      case "effectiveDateTime" -> dateTime(p);
      case "effectiveInstant" -> instant(p);
      case "effectivePeriod" -> period(p);
      default -> null;
    };
  }

  private static Period period(JsonParser p) throws IOException {
    Period period = new Period();
    return object(p, period, name -> switch (name) {
      case "start" -> set(dateTime(p), period::setStartElement);
      case "end" -> set(dateTime(p), period::setEndElement);
      default -> false;
    }, v -> !v.isEmpty());
  }

  private static Type value(JsonParser p, String name) throws IOException {
    return switch (name) {
      case "valueQuantity" -> quantity(p);
      case "valueCodeableConcept" -> concept(p);
      case "valueString" -> {
        String s = string(p);
        yield s == null ? null : new StringType(s);
      }
      case "valueBoolean" -> p.currentToken() == JsonToken.VALUE_TRUE ? new BooleanType(true)
          : p.currentToken() == JsonToken.VALUE_FALSE ? new BooleanType(false) : null;
      case "valueInteger" -> p.currentToken() == JsonToken.VALUE_NUMBER_INT ? new IntegerType(p.getText()) : null;
      default -> null;
    };
  }

  private static Quantity quantity(JsonParser p) throws IOException {
    Quantity q = new Quantity();
    return object(p, q, name -> switch (name) {
      case "value" -> {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT || q.hasValue()) {
          yield false;
        }
        String number = p.getText();
        if (!new BigDecimal(number).toString().equals(number)) {
          yield false; // an exponent, or digits a BigDecimal writes with one: HAPI's parser decides how it reads
        }
        q.setValueElement(new DecimalType(number));
        yield true;
      }
      case "comparator" -> {
        String code = string(p);
        if (code == null) {
          yield false;
        }
        q.setComparator(Quantity.QuantityComparator.fromCode(code));
        yield true;
      }
      case "unit" -> set(string(p), q::setUnit);
      case "system" -> set(string(p), q::setSystem);
      case "code" -> set(string(p), q::setCode);
      default -> false;
    }, v -> !v.isEmpty());
  }

  private static Observation.ObservationComponentComponent component(JsonParser p) throws IOException {
    Observation.ObservationComponentComponent c = new Observation.ObservationComponentComponent();
    return object(p, c, name -> name.equals("code") ? !c.hasCode() && set(concept(p), c::setCode)
        : name.startsWith("value") && !c.hasValue() && set(value(p, name), c::setValue),
        Observation.ObservationComponentComponent::hasCode);
  }
}
