package org.fedfhir.tee.client;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.fedfhir.securecompute.sealing.Hpke;
import org.fedfhir.securecompute.sealing.MalformedEnvelopeException;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.securecompute.sealing.SealingKeyPair;
import org.fedfhir.securecompute.sealing.UnauthenticatedEnvelopeException;
import org.fedfhir.tee.cleanroom.ResultParameters;
import org.fedfhir.tee.cleanroom.ResultRecord;
import org.fedfhir.tee.cleanroom.WasmProgram;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Type;

/**
 * The researcher's side of a clean-room result: the receipt {@code $clean-room-result} answers (at
 * the TEE or relayed by the aggregator) and opening its {@code sealedResult} with the researcher's key.
 *
 * <p>Security guarantees: {@link #open} returns records only if the sealed result opens with the
 * researcher's key for the receipt's study digest, program and output SHA-256 (the digest each site's
 * audit trail records), and if the records it holds hash to that output SHA-256; the receipt alone
 * carries no value.
 */
public record CleanRoomReceipt(String studyDigest, String programSha256, List<String> sites, String outputSha256,
    int released, int suppressed, byte[] sealedResult) {

  /** What the researcher reads once the result is opened. */
  public record Opened(Parameters result, List<ResultRecord> records) {}

  /** The receipt of a {@code $clean-room-result} answer. */
  public static CleanRoomReceipt of(Parameters answer) {
    return new CleanRoomReceipt(text(answer, "studyDigest"), text(answer, "programSha256"),
        answer.getParameterValues("site").stream().map(Type::primitiveValue).toList(), text(answer, "outputSha256"),
        Integer.parseInt(text(answer, "released")), Integer.parseInt(text(answer, "suppressed")),
        answer.getParameterValue("sealedResult") instanceof Base64BinaryType b && b.hasValue() ? b.getValue() : null);
  }

  private static String text(Parameters answer, String name) {
    Type value = answer.getParameterValue(name);
    if (value == null || value.primitiveValue() == null) {
      throw new IllegalArgumentException("the clean-room answer has no " + name + " (is it a $clean-room-result answer?)");
    }
    return value.primitiveValue();
  }

  /**
   * Opens the sealed result with the researcher's key.
   *
   * @throws UnauthenticatedEnvelopeException if it is not sealed to this key for this receipt
   * @throws IllegalArgumentException if its records do not hash to the receipt's output SHA-256
   */
  public Opened open(SealingKeyPair researcher) throws UnauthenticatedEnvelopeException, MalformedEnvelopeException {
    if (sealedResult == null) {
      throw new IllegalArgumentException("the clean-room answer carries no sealedResult");
    }
    byte[] json = Hpke.open(researcher, SealingContext.forCleanRoomResult(studyDigest, programSha256, outputSha256),
        sealedResult);
    Parameters result;
    try {
      result = FhirContext.forR4Cached().newJsonParser().parseResource(Parameters.class,
          new String(json, StandardCharsets.UTF_8));
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("the opened result is not a Parameters: " + e.getMessage());
    }
    List<ResultRecord> records = ResultParameters.records(result);
    if (!WasmProgram.sha256(ResultRecord.encode(records)).equals(outputSha256)) {
      throw new IllegalArgumentException("the opened records do not hash to the receipt's outputSha256");
    }
    return new Opened(result, records);
  }
}
