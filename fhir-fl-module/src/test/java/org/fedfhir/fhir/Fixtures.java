package org.fedfhir.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import org.fedfhir.fhir.cohort.InMemoryClinicalData;
import org.fedfhir.fhir.loader.HeartDiseaseCentre;
import org.fedfhir.fhir.loader.HeartDiseaseFhir;
import org.fedfhir.fhir.loader.HeartDiseaseRow;
import org.hl7.fhir.r4.model.PlanDefinition;

/** Shared test data: the reference studies and UCI centres as in-memory FHIR. */
public final class Fixtures {
  public static final FhirContext CTX = FhirContext.forR4Cached();

  private Fixtures() {}

  public static PlanDefinition study(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/studies/" + name + ".json")) {
      return CTX.newJsonParser().parseResource(PlanDefinition.class, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Study {@code name} with {@code parameters} set as a researcher would publish them: each replaces the
   * parameter of that name, in the map's order.
   */
  public static PlanDefinition study(String name, java.util.Map<String, org.hl7.fhir.r4.model.Type> parameters) {
    PlanDefinition pd = study(name);
    pd.getExtension().removeIf(e -> e.getUrl().equals(org.fedfhir.study.StudyUrls.EXT_PARAMETER)
        && parameters.containsKey(((org.hl7.fhir.r4.model.PrimitiveType<?>) e.getExtensionByUrl("name").getValue())
            .getValueAsString()));
    parameters.forEach((parameter, value) -> {
      org.hl7.fhir.r4.model.Extension e = pd.addExtension().setUrl(org.fedfhir.study.StudyUrls.EXT_PARAMETER);
      e.addExtension("name", new org.hl7.fhir.r4.model.CodeType(parameter));
      e.addExtension("value", value);
    });
    return pd;
  }

  /** A centre's bundle as in-memory data, with ids as a server would assign them. */
  public static InMemoryClinicalData centre(HeartDiseaseCentre centre, LocalDate today) {
    return InMemoryClinicalData.ofTransaction(HeartDiseaseFhir.transaction(centre, HeartDiseaseRow.read(centre), today));
  }
}
