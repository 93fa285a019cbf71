package org.fedfhir.fhir.inference;

import java.util.Optional;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The bands a predicted risk is shown by: below {@code lowBelow} low, from {@code highFrom} high,
 * moderate in between. A study may declare them (the guide's {@code risk-bands} extension on its
 * PlanDefinition); otherwise the site's own apply.
 */
public record RiskBands(double lowBelow, double highFrom) {
  /** The extension a study declares its bands with ({@code low}, {@code high}: decimals). */
  public static final String EXTENSION = org.fedfhir.study.StudyUrls.BASE + "/StructureDefinition/risk-bands";

  public RiskBands {
    if (!(0 < lowBelow && lowBelow < highFrom && highFrom < 1)) {
      throw new IllegalArgumentException("risk bands low " + lowBelow + ", high " + highFrom
          + " must be two risks with 0 < low < high < 1");
    }
  }

  /** The bands the study declares, if it declares them (invalid ones are refused with the values named). */
  public static Optional<RiskBands> declaredBy(PlanDefinition study) {
    Extension bands = study.getExtensionByUrl(EXTENSION);
    if (bands == null) {
      return Optional.empty();
    }
    return Optional.of(new RiskBands(decimal(bands, "low"), decimal(bands, "high")));
  }

  private static double decimal(Extension bands, String part) {
    Extension e = bands.getExtensionByUrl(part);
    if (e == null || !(e.getValue() instanceof DecimalType d) || d.getValue() == null) {
      throw new IllegalArgumentException("risk-bands needs a decimal '" + part + "'");
    }
    return d.getValue().doubleValue();
  }

  /** The band of {@code risk}: {@code low}, {@code moderate} or {@code high}. */
  public String band(double risk) {
    return risk < lowBelow ? "low" : risk < highFrom ? "moderate" : "high";
  }
}
