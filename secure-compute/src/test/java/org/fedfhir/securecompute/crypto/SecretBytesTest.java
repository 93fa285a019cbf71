package org.fedfhir.securecompute.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

  private final byte[] raw = Hex.decode("00112233445566778899aabbccddeeff");

  @Test
  void neverPrintsItsBytes() {
    SecretBytes secret = SecretBytes.copyOf(raw);
    assertThat(secret.toString()).isEqualTo("SecretBytes[16 bytes]").doesNotContain("0011").doesNotContain("ff");
    assertThat(String.valueOf(new X25519.KeyPair(secret, new byte[32]))).doesNotContain("0011");
  }

  @Test
  void comparesByContentOnlyThroughConstantTimeEquals() {
    SecretBytes a = SecretBytes.copyOf(raw);
    SecretBytes b = SecretBytes.copyOf(raw);
    byte[] other = raw.clone();
    other[15] ^= 1;
    assertThat(a.equalsConstantTime(b)).isTrue();
    assertThat(a.equalsConstantTime(SecretBytes.copyOf(other))).isFalse();
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void isACopyAndCanBeDestroyed() {
    byte[] source = raw.clone();
    SecretBytes secret = SecretBytes.copyOf(source);
    source[0] = 42;
    assertThat(secret.reveal()).isEqualTo(raw);
    byte[] revealed = secret.reveal();
    revealed[1] = 42;
    assertThat(secret.reveal()).isEqualTo(raw);

    secret.destroy();
    assertThat(secret.isDestroyed()).isTrue();
    assertThatThrownBy(secret::reveal).isInstanceOf(IllegalStateException.class);
  }
}
