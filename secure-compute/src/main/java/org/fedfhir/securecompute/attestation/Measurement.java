package org.fedfhir.securecompute.attestation;

import java.util.HexFormat;
import java.util.Locale;

/**
 * What code and configuration an enclave runs, as a 48-byte SHA-384 value in lowercase hex: for
 * {@code simulated} evidence the service's own measurement (SHA-384 of its code and configuration);
 * for Nitro evidence PCR0, the SHA-384 measurement of the enclave image file (which contains the
 * service's code and configuration).
 */
public record Measurement(String hex) {

  public static final int BYTES = 48;

  public Measurement {
    if (hex == null) {
      throw new IllegalArgumentException("measurement must be given");
    }
    hex = hex.toLowerCase(Locale.ROOT);
    if (hex.length() != 2 * BYTES || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      throw new IllegalArgumentException("measurement must be 96 hex digits (SHA-384), got " + hex.length() + " characters");
    }
  }

  public static Measurement of(byte[] sha384) {
    if (sha384 == null || sha384.length != BYTES) {
      throw new IllegalArgumentException("measurement must be 48 bytes (SHA-384)");
    }
    return new Measurement(HexFormat.of().formatHex(sha384));
  }

  public byte[] bytes() {
    return HexFormat.of().parseHex(hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
