package org.fedfhir.aggregator.strategy;

import java.nio.ByteBuffer;

/**
 * Canonical byte encoding of {@link StrategyState}, so the state after each round is stored with
 * the round and a restarted aggregator continues the server optimiser (Reddi et al. 2021) where it
 * stopped. {@code None} is the empty array; {@link AdaptiveState} is
 * {@code 'A' · rounds (int32) · d (int32) · m (d doubles) · v (d doubles)}, big-endian.
 */
public final class StrategyStates {

  private StrategyStates() {}

  public static byte[] encode(StrategyState state) {
    if (state instanceof AdaptiveState a) {
      int d = a.dimension();
      ByteBuffer b = ByteBuffer.allocate(1 + 8 + 16 * d);
      b.put((byte) 'A').putInt(a.rounds()).putInt(d);
      for (double m : a.firstMoment()) {
        b.putDouble(m);
      }
      for (double v : a.secondMoment()) {
        b.putDouble(v);
      }
      return b.array();
    }
    return new byte[0];
  }

  /** Decodes {@link #encode}; an empty array is the strategy's initial state. */
  public static StrategyState decode(byte[] bytes, AggregationStrategy strategy, int dimension) {
    if (bytes.length == 0) {
      return strategy.initialState(dimension);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.get() != 'A' || bytes.length < 9) {
      throw new IllegalArgumentException("unknown strategy state encoding");
    }
    int rounds = b.getInt();
    int d = b.getInt();
    if (d != dimension || bytes.length != 9 + 16 * d) {
      throw new IllegalArgumentException("strategy state of dimension " + d + " in " + bytes.length
          + " bytes; need dimension " + dimension);
    }
    double[] m = new double[d];
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      m[i] = b.getDouble();
    }
    for (int i = 0; i < d; i++) {
      v[i] = b.getDouble();
    }
    return new AdaptiveState(m, v, rounds);
  }
}
