package org.fedfhir.securecompute.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pseudo-random generator that expands a 32-byte seed into a mask vector modulo 2^k: AES-256 in
 * counter mode from a zero counter, the keystream read as little-endian unsigned integers of
 * ⌈k/8⌉ bytes, each reduced modulo 2^k (Bonawitz et al., CCS 2017, §3: "PRG").
 *
 * <p>Security guarantees: the output is indistinguishable from uniform to anyone without the seed,
 * as long as each seed expands one vector only — the protocol derives a fresh seed per round, pair
 * and purpose with {@link Hkdf}. Never {@code java.util.Random}.
 *
 * <p>The keystream comes from the JDK's AES/CTR (which uses the processor's AES instructions); the
 * arithmetic is fused with the expansion, so a mask is never materialised as a whole.
 */
public final class MaskPrg {

  public static final int SEED_BYTES = 32;
  private static final int CHUNK_BYTES = 32 * 1024;
  private static final byte[] ZEROS = new byte[CHUNK_BYTES];

  private final int modulusBits;
  private final int elementBytes;
  private final long mask;

  /** @param modulusBits k, from 8 to 64 */
  public MaskPrg(int modulusBits) {
    if (modulusBits < 8 || modulusBits > 64) {
      throw new IllegalArgumentException("modulus bits " + modulusBits + " outside 8..64");
    }
    this.modulusBits = modulusBits;
    this.elementBytes = (modulusBits + 7) / 8;
    this.mask = modulusBits == 64 ? -1L : (1L << modulusBits) - 1;
  }

  public int modulusBits() {
    return modulusBits;
  }

  /** Keystream bytes one expansion of {@code length} elements costs. */
  public long keystreamBytes(int length) {
    return (long) length * elementBytes;
  }

  /** Adds ({@code sign = +1}) or subtracts ({@code sign = -1}) PRG({@code seed}) to {@code vector}, modulo 2^k. */
  public void accumulate(SecretBytes seed, long[] vector, int sign) {
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
    }
    Cipher ctr = keystream(seed);
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = CHUNK_BYTES / elementBytes;
    long[] words = elementBytes == 8 ? new long[perChunk] : null;
    int[] ints = elementBytes == 4 ? new int[perChunk] : null;
    for (int start = 0; start < vector.length; start += perChunk) {
      int count = Math.min(perChunk, vector.length - start);
      fill(ctr, chunk, count * elementBytes);
      buffer.clear();
      if (elementBytes == 4) {
        buffer.asIntBuffer().get(ints, 0, count);
        if (sign > 0) {
          for (int i = 0; i < count; i++) {
            vector[start + i] = (vector[start + i] + (ints[i] & 0xFFFFFFFFL)) & mask;
          }
        } else {
          for (int i = 0; i < count; i++) {
            vector[start + i] = (vector[start + i] - (ints[i] & 0xFFFFFFFFL)) & mask;
          }
        }
        continue;
      } else if (elementBytes == 8) {
        buffer.asLongBuffer().get(words, 0, count);
      } else {
        for (int i = 0; i < count; i++) {
          int at = start + i;
          long r = next(buffer);
          vector[at] = (sign > 0 ? vector[at] + r : vector[at] - r) & mask;
        }
        continue;
      }
      if (sign > 0) {
        for (int i = 0; i < count; i++) {
          vector[start + i] = (vector[start + i] + words[i]) & mask;
        }
      } else {
        for (int i = 0; i < count; i++) {
          vector[start + i] = (vector[start + i] - words[i]) & mask;
        }
      }
    }
  }

  /**
   * Adds ({@code sign = +1}) or subtracts ({@code sign = -1}) PRG({@code seed}) to a vector of words
   * of at most 32 bits held as {@code int}s (each read as unsigned), modulo 2^k: the same mask as
   * {@link #accumulate(SecretBytes, long[], int)}, at half the memory traffic.
   *
   * @throws IllegalStateException if this PRG's modulus has more than 32 bits
   */
  public void accumulate(SecretBytes seed, int[] vector, int sign) {
    if (sign != 1 && sign != -1) {
      throw new IllegalArgumentException("sign must be +1 or -1, got " + sign);
    }
    if (modulusBits > 32) {
      throw new IllegalStateException(modulusBits + "-bit words do not fit an int[]");
    }
    Cipher ctr = keystream(seed);
    byte[] chunk = new byte[CHUNK_BYTES];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = CHUNK_BYTES / elementBytes;
    int[] words = new int[perChunk];
    int narrowMask = (int) mask;
    for (int start = 0; start < vector.length; start += perChunk) {
      int count = Math.min(perChunk, vector.length - start);
      fill(ctr, chunk, count * elementBytes);
      buffer.clear();
      if (elementBytes == 4) {
        buffer.asIntBuffer().get(words, 0, count);
      } else {
        for (int i = 0; i < count; i++) {
          words[i] = (int) next(buffer);
        }
      }
      if (sign > 0) {
        for (int i = 0; i < count; i++) {
          vector[start + i] = (vector[start + i] + words[i]) & narrowMask;
        }
      } else {
        for (int i = 0; i < count; i++) {
          vector[start + i] = (vector[start + i] - words[i]) & narrowMask;
        }
      }
    }
  }

  /** Only the keystream of one expansion, with no arithmetic: the benchmark's baseline. */
  public void keystreamOnly(SecretBytes seed, int length, byte[] scratch) {
    Cipher ctr = keystream(seed);
    long remaining = keystreamBytes(length);
    while (remaining > 0) {
      int n = (int) Math.min(Math.min(remaining, scratch.length), CHUNK_BYTES);
      fill(ctr, scratch, n);
      remaining -= n;
    }
  }

  private long next(ByteBuffer buffer) {
    switch (elementBytes) {
      case 8:
        return buffer.getLong() & mask;
      case 4:
        return buffer.getInt() & mask;
      case 2:
        return buffer.getShort() & mask;
      case 1:
        return buffer.get() & mask;
      default:
        long v = 0;
        for (int b = 0; b < elementBytes; b++) {
          v |= (buffer.get() & 0xFFL) << (8 * b);
        }
        return v & mask;
    }
  }

  private static void fill(Cipher ctr, byte[] out, int length) {
    try {
      ctr.update(ZEROS, 0, length, out, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR keystream failed", e);
    }
  }

  private static Cipher keystream(SecretBytes seed) {
    if (seed.length() != SEED_BYTES) {
      throw new IllegalArgumentException("PRG seed must be 32 bytes, got " + seed.length());
    }
    byte[] raw = seed.reveal();
    try {
      Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(raw, "AES"), new IvParameterSpec(new byte[16]));
      return ctr;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is not available", e);
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }
}
