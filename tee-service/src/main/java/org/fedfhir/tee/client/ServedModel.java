package org.fedfhir.tee.client;

import java.util.HexFormat;

/**
 * Which model the TEE model service serves for a study: what a site needs to call {@code $predict}
 * and to write the result's Provenance. Holds no weights.
 *
 * @param study the study as {@code url|version} (the model's study, the sealing context's study)
 * @param modelDigest SHA-256 (hex) of the model's canonical encoding ({@code ModelCodec})
 * @param siteCount how many sites contributed to the model (never which)
 * @param round the round that produced the model
 * @param measurement the measurement of the enclave that received it (hex)
 */
public record ServedModel(String study, String modelDigest, int siteCount, int round, String measurement) {

  public ServedModel {
    if (study == null || study.isBlank() || study.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("study '" + study + "'; need a canonical url|version without spaces");
    }
    if (modelDigest == null || modelDigest.length() != 64 || !modelDigest.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException("model digest '" + modelDigest + "'; need 64 hex digits (SHA-256)");
    }
    if (siteCount < 1) {
      throw new IllegalArgumentException("site count " + siteCount + "; need ≥ 1");
    }
    if (round < 0) {
      throw new IllegalArgumentException("round " + round + "; need ≥ 0");
    }
    if (measurement == null || measurement.isBlank() || !measurement.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException("measurement '" + measurement + "'; need hex digits");
    }
    modelDigest = modelDigest.toLowerCase(java.util.Locale.ROOT);
    measurement = measurement.toLowerCase(java.util.Locale.ROOT);
  }
}
