package org.fedfhir.tee.model;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The plaintext the enclave seals to the caller's response key: the probability of the positive
 * class. Layout: {@code "FFPR" | 0x01 | binary64 probability} (13 bytes).
 */
public record PredictionPayload(double probability) {

  private static final byte[] MAGIC = "FFPR".getBytes(StandardCharsets.US_ASCII);

  public PredictionPayload {
    if (!(probability >= 0.0 && probability <= 1.0)) {
      throw new IllegalArgumentException("probability must be in [0, 1]");
    }
  }

  public byte[] encode() {
    return ByteBuffer.allocate(13).put(MAGIC).put((byte) 1).putDouble(probability).array();
  }

  public static PredictionPayload decode(byte[] bytes) {
    if (bytes.length != 13) {
      throw new IllegalArgumentException("prediction payload must be 13 bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC) || in.get() != 1) {
        throw new IllegalArgumentException("not a FedFHIR prediction payload, version 1");
      }
      return new PredictionPayload(in.getDouble());
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("prediction payload truncated");
    }
  }

  @Override
  public String toString() {
    return "PredictionPayload[hidden]";
  }
}
