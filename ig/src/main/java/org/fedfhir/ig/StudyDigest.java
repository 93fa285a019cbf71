package org.fedfhir.ig;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The digest by which the aggregator checks that every site holds the same study definition:
 * SHA-256 (hex) of HAPI's compact JSON encoding of the {@code PlanDefinition} without its
 * server-assigned parts ({@code id}, {@code meta}) and its narrative ({@code text}). Two copies of a
 * study published to different servers therefore have the same digest, and any change to a
 * feature, the label, the cohort or a parameter changes it.
 */
public final class StudyDigest {

  private StudyDigest() {}

  public static String sha256Hex(FhirContext context, PlanDefinition study) {
    PlanDefinition copy = study.copy();
    copy.setId((String) null);
    copy.setMeta(null);
    copy.setText(null);
    String json = context.newJsonParser().setPrettyPrint(false).setOmitResourceId(true).encodeResourceToString(copy);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
