package org.fedfhir.securecompute.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class HpkeTest {

  private static final String STUDY = "http://fedfhir.org/fhir/PlanDefinition/heart-disease-lr";
  private static final String DIGEST = "ab".repeat(32);
  private final SecureRandom random = new SecureRandom();
  private final SealingKeyPair enclave = SealingKeyPair.generate(random);
  private final byte[] secret = "features: 63 1 4 145 233".getBytes(StandardCharsets.UTF_8);

  @Test
  void sealedBytesOpenWithTheRecipientKeyAndTheSameContext() throws Exception {
    SealingContext ctx = SealingContext.forFeatures(STUDY, DIGEST, "req-1");
    byte[] wire = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();

    assertThat(Hpke.open(enclave, ctx, wire)).isEqualTo(secret);
  }

  @Test
  void envelopeCarriesNoPlaintextAndTwoSealsDiffer() {
    SealingContext ctx = SealingContext.forFeatures(STUDY, DIGEST, "req-1");
    byte[] a = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();
    byte[] b = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();

    assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("features");
    assertThat(a).isNotEqualTo(b);
    assertThat(a).hasSize(4 + 1 + 6 + 2 + 32 + 4 + secret.length + 16);
  }

  @Test
  void everyTamperedByteOfTheCiphertextIsRefused() {
    SealingContext ctx = SealingContext.forModel(STUDY, DIGEST);
    byte[] wire = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();
    int headerEnd = 4 + 1 + 6 + 2;
    for (int i = headerEnd; i < wire.length; i++) {
      if (i >= headerEnd + 32 && i < headerEnd + 32 + 4) {
        continue; // the length field: a change there is a malformed envelope, tested below
      }
      byte[] tampered = wire.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> Hpke.open(enclave, ctx, tampered))
          .as("byte %d", i).isInstanceOf(UnauthenticatedEnvelopeException.class);
    }
  }

  @Test
  void anotherStudyDigestRequestOrPurposeIsRefused() {
    byte[] wire = Hpke.seal(enclave.publicKey(), SealingContext.forFeatures(STUDY, DIGEST, "req-1"), secret).toBytes();

    for (SealingContext other : new SealingContext[] {
        SealingContext.forFeatures(STUDY + "-2", DIGEST, "req-1"),
        SealingContext.forFeatures(STUDY, "cd".repeat(32), "req-1"),
        SealingContext.forFeatures(STUDY, DIGEST, "req-2"),
        SealingContext.forPrediction(STUDY, DIGEST, "req-1")}) {
      assertThatThrownBy(() -> Hpke.open(enclave, other, wire))
          .as(other.toString())
          .isInstanceOf(UnauthenticatedEnvelopeException.class)
          .hasMessageContaining("did not authenticate");
    }
  }

  @Test
  void anotherRecipientKeyCannotOpen() {
    SealingContext ctx = SealingContext.forModel(STUDY, DIGEST);
    byte[] wire = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();

    assertThatThrownBy(() -> Hpke.open(SealingKeyPair.generate(random), ctx, wire))
        .isInstanceOf(UnauthenticatedEnvelopeException.class);
  }

  @Test
  void malformedEnvelopesNameTheirFault() {
    SealingContext ctx = SealingContext.forModel(STUDY, DIGEST);
    byte[] wire = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();
    byte[] badMagic = wire.clone();
    badMagic[0] = 'X';
    byte[] badSuite = wire.clone();
    badSuite[10] = 0x03; // aead ChaCha20-Poly1305 instead of AES-256-GCM
    byte[] truncated = java.util.Arrays.copyOf(wire, wire.length - 1);

    assertThatThrownBy(() -> Hpke.open(enclave, ctx, badMagic))
        .isInstanceOf(MalformedEnvelopeException.class).hasMessageContaining("magic");
    assertThatThrownBy(() -> Hpke.open(enclave, ctx, badSuite))
        .isInstanceOf(MalformedEnvelopeException.class).hasMessageContaining("suite");
    assertThatThrownBy(() -> Hpke.open(enclave, ctx, truncated))
        .isInstanceOf(MalformedEnvelopeException.class).hasMessageContaining("length");
    assertThatThrownBy(() -> Hpke.open(enclave, ctx, new byte[3]))
        .isInstanceOf(MalformedEnvelopeException.class);
  }

  @Test
  void destroyedKeyCannotOpenAndKeysNeverPrint() {
    SealingContext ctx = SealingContext.forModel(STUDY, DIGEST);
    byte[] wire = Hpke.seal(enclave.publicKey(), ctx, secret).toBytes();
    assertThat(enclave.toString()).contains("hidden");

    enclave.destroy();

    assertThatThrownBy(() -> Hpke.open(enclave, ctx, wire)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void requestIdIsRequiredExceptForModels() {
    assertThatThrownBy(() -> SealingContext.forFeatures(STUDY, DIGEST, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestId");
    assertThat(SealingContext.forModel(STUDY, DIGEST).requestId()).isEmpty();
  }
}
