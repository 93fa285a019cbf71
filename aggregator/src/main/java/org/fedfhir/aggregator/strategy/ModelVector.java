package org.fedfhir.aggregator.strategy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable, fixed-schema vector of model weights (the global model of a round).
 *
 * <p>Its identity is {@link #digest()}: SHA-256 over the weights' canonical encoding, each weight as
 * an 8-byte big-endian IEEE 754 double in order. {@link #toString()} shows the dimension and the
 * digest only, never the weights, so a model does not end up in a log by accident.
 */
public final class ModelVector {

  private final double[] weights;

  private ModelVector(double[] weights) {
    for (int i = 0; i < weights.length; i++) {
      if (!Double.isFinite(weights[i])) {
        throw new IllegalArgumentException("weight " + i + " is " + weights[i] + "; need a finite number");
      }
    }
    this.weights = weights;
  }

  /** A model with a copy of the given weights; every weight must be finite. */
  public static ModelVector of(double... weights) {
    return new ModelVector(weights.clone());
  }

  /** The all-zero model of the given dimension. */
  public static ModelVector zeros(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension " + dimension + "; need ≥ 1");
    }
    return new ModelVector(new double[dimension]);
  }

  /** Decodes the canonical encoding of {@link #canonicalBytes()}. */
  public static ModelVector fromCanonicalBytes(byte[] bytes) {
    if (bytes.length == 0 || bytes.length % Double.BYTES != 0) {
      throw new IllegalArgumentException(
          "model encoding of " + bytes.length + " bytes; need a positive multiple of 8");
    }
    double[] w = new double[bytes.length / Double.BYTES];
    ByteBuffer.wrap(bytes).asDoubleBuffer().get(w);
    return new ModelVector(w);
  }

  public int dimension() {
    return weights.length;
  }

  public double get(int i) {
    return weights[i];
  }

  /** A copy of the weights. */
  public double[] toArray() {
    return weights.clone();
  }

  /** The weights, 8 bytes each, big-endian IEEE 754. */
  public byte[] canonicalBytes() {
    ByteBuffer b = ByteBuffer.allocate(weights.length * Double.BYTES);
    b.asDoubleBuffer().put(weights);
    return b.array();
  }

  /** SHA-256 of {@link #canonicalBytes()}, lower-case hex. */
  public String digest() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelVector m && Arrays.equals(weights, m.weights);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "ModelVector[dimension=" + weights.length + ", sha256=" + digest().substring(0, 12) + "…]";
  }
}
