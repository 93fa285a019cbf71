package org.fedfhir.securecompute.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

/** Known-answer vectors from the RFCs each primitive implements. */
class CryptoKnownAnswerTest {

  @Test
  void x25519MatchesRfc7748Section6_1() {
    SecretBytes alice = SecretBytes.copyOf(Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    SecretBytes bob = SecretBytes.copyOf(Hex.decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    byte[] alicePublic = X25519.publicKeyOf(alice);
    byte[] bobPublic = X25519.publicKeyOf(bob);

    assertThat(Hex.toHexString(alicePublic)).isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    assertThat(Hex.toHexString(bobPublic)).isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    assertThat(Hex.toHexString(X25519.agree(alice, bobPublic).reveal()))
        .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assertThat(X25519.agree(bob, alicePublic).equalsConstantTime(X25519.agree(alice, bobPublic))).isTrue();
  }

  @Test
  void hkdfSha256MatchesRfc5869TestCase1() {
    SecretBytes ikm = SecretBytes.copyOf(Hex.decode("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"));
    SecretBytes okm = Hkdf.sha256(ikm, Hex.decode("000102030405060708090a0b0c"), Hex.decode("f0f1f2f3f4f5f6f7f8f9"), 42);
    assertThat(Hex.toHexString(okm.reveal()))
        .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void ed25519MatchesRfc8032Test1AndRejectsAnyOtherMessage() {
    SecretBytes secret = SecretBytes.copyOf(Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    byte[] publicKey = Hex.decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    byte[] signature = Ed25519.sign(secret, new byte[0]);

    assertThat(Hex.toHexString(signature)).isEqualTo("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
        + "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    assertThat(Ed25519.verify(publicKey, new byte[0], signature)).isTrue();
    assertThat(Ed25519.verify(publicKey, "x".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(Ed25519.verify(publicKey, new byte[0], new byte[10])).isFalse();
  }

  @Test
  void x25519RefusesALowOrderPeerKey() {
    SecretBytes key = X25519.generate(new java.security.SecureRandom()).privateKey();
    byte[] zeroPoint = new byte[32];
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> X25519.agree(key, zeroPoint))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low order");
  }
}
