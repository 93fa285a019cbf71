package org.fedfhir.tee.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plaintext a caller seals to the enclave for {@code $predict}: its one-time X25519 response
 * key and the patient's raw features by name, in the model's order. The response key travels
 * inside the sealed payload so that the host cannot substitute its own key for the answer. A
 * value may be {@code NaN}: missing, the model uses its mean ({@code z = 0}), as training does
 * under the study's {@code impute-mean} policy; infinities are refused.
 *
 * <p>Layout: {@code "FFFV" | 0x01 | responseKey (32 bytes) | n u16 | n × (u16 length + UTF-8 name)
 * | n × binary64}.
 */
public record FeaturesPayload(byte[] responsePublicKey, List<String> names, double[] values) {

  private static final byte[] MAGIC = "FFFV".getBytes(StandardCharsets.US_ASCII);

  public FeaturesPayload {
    if (responsePublicKey == null || responsePublicKey.length != 32) {
      throw new IllegalArgumentException("response key must be 32 bytes (X25519)");
    }
    names = List.copyOf(names);
    if (names.isEmpty() || names.size() > LinearModel.MAX_FEATURES || names.size() != values.length) {
      throw new IllegalArgumentException("need 1.." + LinearModel.MAX_FEATURES + " features with one value per name");
    }
    for (double v : values) {
      if (Double.isInfinite(v)) {
        throw new IllegalArgumentException("feature values must be finite or NaN (missing)");
      }
    }
    responsePublicKey = responsePublicKey.clone();
    values = values.clone();
  }

  @Override
  public byte[] responsePublicKey() {
    return responsePublicKey.clone();
  }

  @Override
  public double[] values() {
    return values.clone();
  }

  public byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeByte(1);
      out.write(responsePublicKey);
      out.writeShort(names.size());
      for (String name : names) {
        ModelCodec.writeString(out, name);
      }
      for (double v : values) {
        out.writeDouble(v);
      }
      return bytes.toByteArray();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  public static FeaturesPayload decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC) || in.get() != 1) {
        throw new IllegalArgumentException("not a FedFHIR features payload, version 1");
      }
      byte[] key = new byte[32];
      in.get(key);
      int n = Short.toUnsignedInt(in.getShort());
      if (n < 1 || n > LinearModel.MAX_FEATURES) {
        throw new IllegalArgumentException("feature count " + n + " outside 1.." + LinearModel.MAX_FEATURES);
      }
      List<String> names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(ModelCodec.readString(in));
      }
      double[] values = ModelCodec.readDoubles(in, n);
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes after the features");
      }
      return new FeaturesPayload(key, names, values);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("features payload truncated");
    }
  }

  /** Never prints values. */
  @Override
  public String toString() {
    return "FeaturesPayload[" + names.size() + " features]";
  }
}
