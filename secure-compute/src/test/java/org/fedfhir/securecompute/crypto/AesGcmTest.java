package org.fedfhir.securecompute.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class AesGcmTest {

  private final SecureRandom random = new SecureRandom();
  private final SecretBytes key = SecretBytes.copyOf(new SecureRandom().generateSeed(32));
  private final Binding binding = new Binding("http://example.org/study", 3, "share-keys", 1, 2);
  private final byte[] plaintext = "share of site 1 for site 2".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealedMessageOpensUnderTheSameKeyAndBinding() throws Exception {
    byte[] sealed = AesGcm.seal(key, plaintext, binding, random);
    assertThat(sealed).hasSize(AesGcm.NONCE_BYTES + plaintext.length + AesGcm.TAG_BYTES);
    assertThat(AesGcm.open(key, sealed, binding)).isEqualTo(plaintext);
  }

  @Test
  void everyFlippedBitIsRejected() {
    byte[] sealed = AesGcm.seal(key, plaintext, binding, random);
    for (int bit = 0; bit < sealed.length * 8; bit++) {
      byte[] tampered = sealed.clone();
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> AesGcm.open(key, tampered, binding))
          .isInstanceOf(AesGcm.AuthenticationFailedException.class);
    }
  }

  @Test
  void ciphertextUnderAnotherBindingIsRejected() {
    byte[] sealed = AesGcm.seal(key, plaintext, binding, random);
    Binding[] others = {
        new Binding("http://example.org/other", 3, "share-keys", 1, 2),
        new Binding("http://example.org/study", 4, "share-keys", 1, 2),
        new Binding("http://example.org/study", 3, "unmask", 1, 2),
        new Binding("http://example.org/study", 3, "share-keys", 2, 1),
        new Binding("http://example.org/study", 3, "share-keys", 1, 3)};
    for (Binding other : others) {
      assertThatThrownBy(() -> AesGcm.open(key, sealed, other))
          .isInstanceOf(AesGcm.AuthenticationFailedException.class)
          .hasMessageNotContaining(new String(plaintext, StandardCharsets.UTF_8));
    }
  }

  @Test
  void twoSealsOfOneMessageDiffer() {
    assertThat(AesGcm.seal(key, plaintext, binding, random)).isNotEqualTo(AesGcm.seal(key, plaintext, binding, random));
  }
}
