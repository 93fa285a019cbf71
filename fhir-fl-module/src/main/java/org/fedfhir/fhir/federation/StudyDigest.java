package org.fedfhir.fhir.federation;

import ca.uhn.fhir.context.FhirContext;
import java.util.HexFormat;
import org.hl7.fhir.r4.model.PlanDefinition;

/**
 * The digest by which the aggregator checks at Join that a site holds the same study definition
 * as it does: SHA-256 of HAPI's compact JSON encoding of the {@code PlanDefinition} without its
 * server-assigned parts ({@code id}, {@code meta}) and its narrative ({@code text}). Copies of one
 * study stored on different servers therefore digest alike, and any change of a feature, the
 * label, the cohort or a parameter changes the digest.
 *
 * <p>It is {@code ig}'s {@code org.fedfhir.ig.StudyDigest}, which the aggregator's study registry
 * uses, so both compute the same bytes.
 */
public final class StudyDigest {

  private StudyDigest() {}

  /** The digest as 32 bytes. */
  public static byte[] sha256(FhirContext context, PlanDefinition study) {
    return HexFormat.of().parseHex(sha256Hex(context, study));
  }

  /** The digest as 64 lower-case hex digits (as the aggregator's {@code StudyPlan} holds it). */
  public static String sha256Hex(FhirContext context, PlanDefinition study) {
    return org.fedfhir.ig.StudyDigest.sha256Hex(context, study);
  }
}
