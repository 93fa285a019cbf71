package org.fedfhir.securecompute.secagg;

import org.fedfhir.securecompute.crypto.MaskPrg;
import org.fedfhir.securecompute.crypto.SecretBytes;

/**
 * A vector of words modulo 2^k that masks are added to: an {@code int[]} for k ≤ 32 (half the
 * memory traffic of {@code long}s), a {@code long[]} beyond. Not thread-safe; parallel work sums
 * into one vector per thread and then adds the vectors.
 */
final class MaskVector {

  private final int modulusBits;
  private final MaskPrg prg;
  private final int[] narrow;
  private final long[] wide;
  private final long mask;

  MaskVector(int modulusBits, int length) {
    this.modulusBits = modulusBits;
    this.prg = new MaskPrg(modulusBits);
    this.mask = modulusBits == 64 ? -1L : (1L << modulusBits) - 1;
    this.narrow = modulusBits <= 32 ? new int[length] : null;
    this.wide = modulusBits <= 32 ? null : new long[length];
  }

  /** A vector holding {@code values}, each in [0, 2^k). */
  static MaskVector of(int modulusBits, long[] values) {
    MaskVector v = new MaskVector(modulusBits, values.length);
    for (int i = 0; i < values.length; i++) {
      if (v.narrow != null) {
        v.narrow[i] = (int) values[i];
      } else {
        v.wide[i] = values[i];
      }
    }
    return v;
  }

  /** Adds ({@code sign = +1}) or subtracts ({@code sign = -1}) PRG({@code seed}). */
  void addMask(SecretBytes seed, int sign) {
    if (narrow != null) {
      prg.accumulate(seed, narrow, sign);
    } else {
      prg.accumulate(seed, wide, sign);
    }
  }

  void add(MaskedInput input) {
    if (narrow != null) {
      input.addInto(narrow, (int) mask);
    } else {
      input.addInto(wide, mask);
    }
  }

  void add(MaskVector other) {
    if (narrow != null) {
      int m = (int) mask;
      for (int i = 0; i < narrow.length; i++) {
        narrow[i] = (narrow[i] + other.narrow[i]) & m;
      }
    } else {
      for (int i = 0; i < wide.length; i++) {
        wide[i] = (wide[i] + other.wide[i]) & mask;
      }
    }
  }

  int length() {
    return narrow != null ? narrow.length : wide.length;
  }

  /** The words as unsigned {@code long}s. */
  long[] toLongs() {
    return wide != null ? wide.clone() : MaskedInput.unsigned(narrow);
  }

  /** This vector as a site's masked input; the vector must not be used afterwards. */
  MaskedInput toMaskedInput(RoundId id, int sender) {
    return narrow != null ? MaskedInput.ofWords(id, sender, narrow, modulusBits)
        : new MaskedInput(id, sender, wide, modulusBits);
  }
}
