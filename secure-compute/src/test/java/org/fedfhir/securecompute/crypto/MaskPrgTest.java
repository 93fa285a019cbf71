package org.fedfhir.securecompute.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.SICBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

class MaskPrgTest {

  private final SecretBytes seed = SecretBytes.copyOf(new SecureRandom().generateSeed(32));

  @Test
  void expandsToBouncyCastlesAesCtrKeystreamReadAsLittleEndianWords() {
    int length = 20_000;
    long[] mask = new long[length];
    new MaskPrg(32).accumulate(seed, mask, +1);

    SICBlockCipher ctr = new SICBlockCipher(AESEngine.newInstance());
    ctr.init(true, new ParametersWithIV(new KeyParameter(seed.reveal()), new byte[16]));
    byte[] stream = new byte[length * 4];
    ctr.processBytes(new byte[stream.length], 0, stream.length, stream, 0);
    ByteBuffer words = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < length; i++) {
      assertThat(mask[i]).as("element %d", i).isEqualTo(words.getInt() & 0xFFFFFFFFL);
    }
  }

  @Test
  void subtractingTheSameMaskRestoresTheVectorForEveryWidth() {
    for (int bits : new int[] {8, 12, 16, 24, 32, 40, 63, 64}) {
      MaskPrg prg = new MaskPrg(bits);
      long modulusMask = bits == 64 ? -1L : (1L << bits) - 1;
      long[] vector = new SecureRandom().longs(1000).map(v -> v & modulusMask).toArray();
      long[] masked = vector.clone();
      prg.accumulate(seed, masked, +1);
      assertThat(masked).isNotEqualTo(vector);
      for (long v : masked) {
        assertThat(v & ~modulusMask).isZero();
      }
      prg.accumulate(seed, masked, -1);
      assertThat(masked).as("%d bits", bits).isEqualTo(vector);
    }
  }

  @Test
  void wordsHeldAsIntsGetTheSameMaskAsWordsHeldAsLongs() {
    for (int bits : new int[] {8, 12, 16, 24, 31, 32}) {
      MaskPrg prg = new MaskPrg(bits);
      long modulusMask = (1L << bits) - 1;
      long[] vector = new SecureRandom().longs(50_000).map(v -> v & modulusMask).toArray();
      int[] words = new int[vector.length];
      for (int i = 0; i < words.length; i++) {
        words[i] = (int) vector[i];
      }
      prg.accumulate(seed, vector, +1);
      prg.accumulate(seed, words, +1);
      for (int i = 0; i < words.length; i++) {
        assertThat(words[i] & 0xFFFFFFFFL).as("%d bits, element %d", bits, i).isEqualTo(vector[i]);
      }
      prg.accumulate(seed, words, -1);
      prg.accumulate(seed, vector, -1);
      for (int i = 0; i < words.length; i++) {
        assertThat(words[i] & 0xFFFFFFFFL).as("%d bits, element %d", bits, i).isEqualTo(vector[i]);
      }
    }
  }

  @Test
  void differentSeedsGiveUnrelatedMasks() {
    long[] a = new long[1000];
    long[] b = new long[1000];
    new MaskPrg(32).accumulate(seed, a, +1);
    new MaskPrg(32).accumulate(SecretBytes.copyOf(new SecureRandom().generateSeed(32)), b, +1);
    int equal = 0;
    for (int i = 0; i < a.length; i++) {
      equal += a[i] == b[i] ? 1 : 0;
    }
    assertThat(equal).isLessThan(3);
  }
}
