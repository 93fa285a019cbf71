package org.fedfhir.fhir.cohort;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.fedfhir.study.Code;
import org.fedfhir.study.StudyUrls;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;

/**
 * Converts quantities between UCUM units with the FHIR UCUM library ({@code org.fhir:ucum}).
 *
 * <p>Substance concentrations (mol/L) and mass concentrations (g/L) are not commensurable in UCUM;
 * for analytes with a known molar mass ({@link #MOLAR_MASS_G_PER_MOL}, keyed by LOINC code) the
 * converter goes through mol/L × M = g/L, so cholesterol in mmol/L becomes mg/dL
 * (1 mmol/L = 38.665 mg/dL). Linear conversion factors are cached per (analyte, from, to).
 */
public final class UcumConverter {

  /** Molar masses (g/mol) for LOINC analytes reported in both mass and substance units. */
  public static final Map<Code, Double> MOLAR_MASS_G_PER_MOL = Map.of(
      new Code(StudyUrls.LOINC, "2093-3"), 386.65,   // cholesterol
      new Code(StudyUrls.LOINC, "2085-9"), 386.65,   // HDL cholesterol
      new Code(StudyUrls.LOINC, "18262-6"), 386.65,  // LDL cholesterol (direct)
      new Code(StudyUrls.LOINC, "13457-7"), 386.65,  // LDL cholesterol (calculated)
      new Code(StudyUrls.LOINC, "2571-8"), 885.7,    // triglycerides (as triolein)
      new Code(StudyUrls.LOINC, "2339-0"), 180.156,  // glucose
      new Code(StudyUrls.LOINC, "2345-7"), 180.156); // glucose

  private final UcumService ucum;
  private final Map<String, Optional<Double>> factors = new ConcurrentHashMap<>();

  public UcumConverter() {
    try (InputStream in = UcumConverter.class.getResourceAsStream("/ucum-essence.xml")) {
      if (in == null) {
        throw new IllegalStateException("ucum-essence.xml not on the classpath (org.fhir:ucum missing)");
      }
      this.ucum = new UcumEssenceService(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UcumException e) {
      throw new IllegalStateException("cannot load UCUM essence", e);
    }
  }

  /** True if {@code unit} is a valid UCUM expression. */
  public boolean isValid(String unit) {
    return unit != null && ucum.validate(unit) == null;
  }

  /**
   * {@code value} in {@code from} expressed in {@code to}, or empty if the units are not convertible
   * (also for an analyte without a known molar mass between mass and substance units).
   *
   * @param analyte the code of what was measured (selects the molar mass), may be null
   */
  public OptionalDouble convert(double value, String from, String to, Code analyte) {
    if (from == null || to == null) {
      return OptionalDouble.empty();
    }
    if (from.equals(to)) {
      return OptionalDouble.of(value);
    }
    String key = analyte + " " + from + " " + to;
    Optional<Double> factor = factors.computeIfAbsent(key, k -> linearFactor(from, to, analyte));
    if (factor.isPresent()) {
      return OptionalDouble.of(value * factor.get());
    }
    // Not linear through zero, or not convertible: convert the value itself (empty if impossible).
    return exact(value, from, to, analyte);
  }

  private Optional<Double> linearFactor(String from, String to, Code analyte) {
    OptionalDouble zero = exact(0, from, to, analyte);
    OptionalDouble one = exact(1, from, to, analyte);
    if (zero.isPresent() && one.isPresent() && Math.abs(zero.getAsDouble()) < 1e-12) {
      return Optional.of(one.getAsDouble());
    }
    return Optional.empty();
  }

  private OptionalDouble exact(double value, String from, String to, Code analyte) {
    try {
      Decimal v = new Decimal(Double.toString(value));
      if (ucum.isComparable(from, to)) {
        return OptionalDouble.of(Double.parseDouble(ucum.convert(v, from, to).asDecimal()));
      }
      Double molarMass = analyte == null ? null : MOLAR_MASS_G_PER_MOL.get(analyte);
      if (molarMass == null) {
        return OptionalDouble.empty();
      }
      if (ucum.isComparable(from, "mol/L") && ucum.isComparable("g/L", to)) {
        double molPerL = Double.parseDouble(ucum.convert(v, from, "mol/L").asDecimal());
        Decimal gPerL = new Decimal(Double.toString(molPerL * molarMass));
        return OptionalDouble.of(Double.parseDouble(ucum.convert(gPerL, "g/L", to).asDecimal()));
      }
      if (ucum.isComparable(from, "g/L") && ucum.isComparable("mol/L", to)) {
        double gPerL = Double.parseDouble(ucum.convert(v, from, "g/L").asDecimal());
        Decimal molPerL = new Decimal(Double.toString(gPerL / molarMass));
        return OptionalDouble.of(Double.parseDouble(ucum.convert(molPerL, "mol/L", to).asDecimal()));
      }
      return OptionalDouble.empty();
    } catch (UcumException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }
}
