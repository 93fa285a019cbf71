package org.fedfhir.tee.cleanroom;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * A clean-room result as the researcher reads it once opened: a FHIR R4 {@code Parameters} with the
 * study ({@code study}, {@code studyDigest}), {@code programSha256}, each pooled {@code site} in
 * pooling order, {@code outputSha256}, one {@code record} per released record (parts {@code name},
 * {@code group}, {@code value}) and one {@code suppressed} per withheld one (parts {@code name},
 * {@code group}). The enclave seals its JSON to the researcher's key; nothing else carries the values.
 */
public final class ResultParameters {

  private ResultParameters() {}

  /** The result's Parameters. */
  public static Parameters of(CleanRoomResult result) {
    Parameters p = new Parameters();
    p.addParameter().setName("study").setValue(new CanonicalType(result.studyUrl()));
    p.addParameter().setName("studyDigest").setValue(new StringType(result.studyDigest()));
    p.addParameter().setName("programSha256").setValue(new StringType(result.programSha256()));
    for (String site : result.sites()) {
      p.addParameter().setName("site").setValue(new StringType(site));
    }
    p.addParameter().setName("outputSha256").setValue(new StringType(result.outputSha256()));
    for (ResultRecord r : result.released()) {
      Parameters.ParametersParameterComponent record = p.addParameter().setName("record");
      record.addPart().setName("name").setValue(new StringType(r.name()));
      record.addPart().setName("group").setValue(new IntegerType(r.group()));
      record.addPart().setName("value").setValue(new DecimalType(r.value()));
    }
    for (DisclosureCheck.Suppressed s : result.suppressed()) {
      Parameters.ParametersParameterComponent suppressed = p.addParameter().setName("suppressed");
      suppressed.addPart().setName("name").setValue(new StringType(s.name()));
      suppressed.addPart().setName("group").setValue(new IntegerType(s.group()));
    }
    return p;
  }

  /** The Parameters' JSON, as sealed. */
  static byte[] encode(CleanRoomResult result) {
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(of(result)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The released records of an opened result, exactly as the program wrote them (a {@code value}
   * parses back to the same double: FHIR decimals keep the digits written).
   */
  public static List<ResultRecord> records(Parameters result) {
    List<ResultRecord> records = new ArrayList<>();
    for (Parameters.ParametersParameterComponent p : result.getParameter()) {
      if ("record".equals(p.getName())) {
        String name = null;
        Integer group = null;
        Double value = null;
        for (Parameters.ParametersParameterComponent part : p.getPart()) {
          switch (part.getName()) {
            case "name" -> name = part.getValue().primitiveValue();
            case "group" -> group = ((IntegerType) part.getValue()).getValue();
            case "value" -> value = ((DecimalType) part.getValue()).getValueAsNumber().doubleValue();
            default -> { }
          }
        }
        if (name == null || group == null || value == null) {
          throw new IllegalArgumentException("a record part lacks its name, group or value");
        }
        records.add(new ResultRecord(name, group, value));
      }
    }
    return records;
  }
}
