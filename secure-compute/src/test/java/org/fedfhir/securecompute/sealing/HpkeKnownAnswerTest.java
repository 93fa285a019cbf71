package org.fedfhir.securecompute.sealing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests of FedFHIR's HPKE suite against the test vectors of RFC 9180, Appendix A
 * (mode_base), hex copied from the RFC text.
 *
 * <p>RFC 9180 publishes no vector for FedFHIR's exact suite, DHKEM(X25519, HKDF-SHA256) /
 * HKDF-SHA256 / AES-256-GCM (ids 0x0020 / 0x0001 / 0x0002), so each part of it is checked against
 * the vector that has it:
 * <ul>
 *   <li>A.1.1 — DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM: FedFHIR's KEM and KDF. The
 *       key derivation and the encapsulation depend on the KEM alone, so they are checked on
 *       {@link Hpke#suite()} itself and on {@link SealingKeyPair#generate}; the key schedule and
 *       the per-sequence-number nonces are checked with only the AEAD swapped to AES-128-GCM.</li>
 *   <li>A.6.1 — DHKEM(P-521, HKDF-SHA512), HKDF-SHA512, AES-256-GCM: FedFHIR's AEAD (32-byte key),
 *       with the KEM and KDF swapped to the vector's.</li>
 * </ul>
 */
class HpkeKnownAnswerTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] INFO = hex("4f6465206f6e2061204772656369616e2055726e");
  private static final byte[] PLAINTEXT = hex("4265617574792069732074727574682c20747275746820626561757479");
  /** aad of each listed sequence number: "Count-" followed by the number in ASCII. */
  private static final int[] SEQUENCE_NUMBERS = {0, 1, 2, 4, 255, 256};

  // RFC 9180 A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, Base Setup Information.
  private static final byte[] X25519_IKM_E = hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234");
  private static final byte[] X25519_PK_EM = hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  private static final byte[] X25519_SK_EM = hex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
  private static final byte[] X25519_IKM_R = hex("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037");
  private static final byte[] X25519_PK_RM = hex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
  private static final byte[] X25519_SK_RM = hex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
  private static final byte[] X25519_ENC = hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
  // RFC 9180 A.1.1.1: Encryptions.
  private static final Map<Integer, String> AES_128_CIPHERTEXTS = Map.of(
      0, "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
      1, "af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84",
      2, "498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180",
      4, "583bd32bc67a5994bb8ceaca813d369bca7b2a42408cddef5e22f880b631215a09fc0012bc69fccaa251c0246d",
      255, "7175db9717964058640a3a11fb9007941a5d1757fda1a6935c805c21af32505bf106deefec4a49ac38d71c9e0a",
      256, "957f9800542b0b8891badb026d79cc54597cb2d225b54c00c5238c25d05c30e3fbeda97d2e0e1aba483a2df9f2");

  // RFC 9180 A.6.1: DHKEM(P-521, HKDF-SHA512), HKDF-SHA512, AES-256-GCM, Base Setup Information.
  private static final byte[] P521_IKM_E = hex("7f06ab8215105fc46aceeb2e3dc5028b44364f960426eb0d8e4026c2f8b5d7e7"
      + "a986688f1591abf5ab753c357a5d6f0440414b4ed4ede71317772ac98d9239f70904");
  private static final byte[] P521_IKM_R = hex("2ad954bbe39b7122529f7dde780bff626cd97f850d0784a432784e69d86eccaa"
      + "de43b6c10a8ffdb94bf943c6da479db137914ec835a7e715e36e45e29b587bab3bf1");
  private static final byte[] P521_ENC = hex("040138b385ca16bb0d5fa0c0665fbbd7e69e3ee29f63991d3e9b5fa740aab8900a"
      + "aeed46ed73a49055758425a0ce36507c54b29cc5b85a5cee6bae0cf1c21f2731ece2013dc3fb7c8d21654bb161b463962ca1"
      + "9e8c654ff24c94dd2898de12051f1ed0692237fb02b2f8d1dc1c73e9b366b529eb436e98a996ee522aef863dd5739d2f29b0");
  // RFC 9180 A.6.1.1: Encryptions.
  private static final Map<Integer, String> AES_256_CIPHERTEXTS = Map.of(
      0, "170f8beddfe949b75ef9c387e201baf4132fa7374593dfafa90768788b7b2b200aafcc6d80ea4c795a7c5b841a",
      1, "d9ee248e220ca24ac00bbbe7e221a832e4f7fa64c4fbab3945b6f3af0c5ecd5e16815b328be4954a05fd352256",
      2, "142cf1e02d1f58d9285f2af7dcfa44f7c3f2d15c73d460c48c6e0e506a3144bae35284e7e221105b61d24e1c7a",
      4, "3bb3a5a07100e5a12805327bf3b152df728b1c1be75a9fd2cb2bf5eac0cca1fb80addb37eb2a32938c7268e3e5",
      255, "4f268d0930f8d50b8fd9d0f26657ba25b5cb08b308c92e33382f369c768b558e113ac95a4c70dd60909ad1adc7",
      256, "dbbfc44ae037864e75f136e8b4b4123351d480e6619ae0e0ae437f036f2f8f1ef677686323977a1ccbb4b4f16a");

  @Test
  void suiteIsBaseModeX25519HkdfSha256Aes256Gcm() {
    assertThat(Hpke.KEM).isEqualTo((short) 0x0020);
    assertThat(Hpke.KDF).isEqualTo((short) 0x0001);
    assertThat(Hpke.AEAD).isEqualTo((short) 0x0002);
    assertThat(Hpke.suite().getEncSize()).isEqualTo(Hpke.ENC_BYTES);
  }

  @Test
  void suiteDerivesTheVectorsKeyPairsFromTheirInputKeyingMaterial() {
    HPKE suite = Hpke.suite();
    AsymmetricCipherKeyPair ephemeral = suite.deriveKeyPair(X25519_IKM_E);
    AsymmetricCipherKeyPair recipient = suite.deriveKeyPair(X25519_IKM_R);

    assertThat(suite.serializePrivateKey(ephemeral.getPrivate())).isEqualTo(clamped(X25519_SK_EM));
    assertThat(suite.serializePublicKey(ephemeral.getPublic())).isEqualTo(X25519_PK_EM);
    assertThat(suite.serializePrivateKey(recipient.getPrivate())).isEqualTo(clamped(X25519_SK_RM));
    assertThat(suite.serializePublicKey(recipient.getPublic())).isEqualTo(X25519_PK_RM);
  }

  @Test
  void sealingKeyPairDerivesTheVectorsRecipientKeyFromItsRandomBytes() {
    SealingKeyPair recipient = SealingKeyPair.generate(new FixedBytes(X25519_IKM_R));

    assertThat(recipient.publicKey()).isEqualTo(X25519_PK_RM);
    assertThat(recipient.privateKey().reveal()).isEqualTo(clamped(X25519_SK_RM));
  }

  @Test
  void suiteEncapsulatesToTheVectorsEnc() {
    HPKE suite = Hpke.suite();
    HPKEContextWithEncapsulation sender = suite.setupBaseS(
        suite.deserializePublicKey(X25519_PK_RM), INFO, suite.deserializePrivateKey(X25519_SK_EM, X25519_PK_EM));

    assertThat(sender.getEncapsulation()).isEqualTo(X25519_ENC);
  }

  @Test
  void x25519HkdfSha256KeyScheduleSealsAndOpensTheVectorsCiphertexts() throws Exception {
    HPKE aes128 = new HPKE(HPKE.mode_base, Hpke.KEM, Hpke.KDF, HPKE.aead_AES_GCM128);

    assertSealsAndOpensEveryListedSequenceNumber(aes128, X25519_IKM_E, X25519_IKM_R, X25519_ENC,
        AES_128_CIPHERTEXTS);
  }

  @Test
  void aes256GcmSealsAndOpensTheVectorsCiphertexts() throws Exception {
    HPKE p521 = new HPKE(HPKE.mode_base, HPKE.kem_P521_SHA512, HPKE.kdf_HKDF_SHA512, Hpke.AEAD);

    assertSealsAndOpensEveryListedSequenceNumber(p521, P521_IKM_E, P521_IKM_R, P521_ENC, AES_256_CIPHERTEXTS);
  }

  /**
   * Sets up both sides from the vector's ikmE/ikmR, then seals and opens messages 0..256 in order
   * (each seal and open advances the sequence number) and compares the listed ones.
   */
  private static void assertSealsAndOpensEveryListedSequenceNumber(HPKE hpke, byte[] ikmE, byte[] ikmR,
      byte[] enc, Map<Integer, String> ciphertexts) throws Exception {
    AsymmetricCipherKeyPair recipient = hpke.deriveKeyPair(ikmR);
    HPKEContextWithEncapsulation sender = hpke.setupBaseS(recipient.getPublic(), INFO, hpke.deriveKeyPair(ikmE));
    assertThat(sender.getEncapsulation()).isEqualTo(enc);
    HPKEContext receiver = hpke.setupBaseR(sender.getEncapsulation(), recipient, INFO);

    int last = SEQUENCE_NUMBERS[SEQUENCE_NUMBERS.length - 1];
    for (int seq = 0; seq <= last; seq++) {
      byte[] aad = ("Count-" + seq).getBytes(StandardCharsets.US_ASCII);
      byte[] ct = sender.seal(aad, PLAINTEXT);
      assertThat(receiver.open(aad, ct)).as("open of sequence number %d", seq).isEqualTo(PLAINTEXT);
      if (ciphertexts.containsKey(seq)) {
        assertThat(HEX.formatHex(ct)).as("ciphertext of sequence number %d", seq).isEqualTo(ciphertexts.get(seq));
      }
    }
    assertThat(ciphertexts.keySet()).containsExactlyInAnyOrder(0, 1, 2, 4, 255, 256);
  }

  /**
   * RFC 9180 §7.1.2: SerializePrivateKey of X25519 clamps its output (RFC 7748 §5), while the
   * vectors list the unclamped scalar; both are the same private key.
   */
  private static byte[] clamped(byte[] scalar) {
    byte[] k = scalar.clone();
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;
    return k;
  }

  private static byte[] hex(String hex) {
    return HEX.parseHex(hex);
  }

  /** A "random" source that hands out fixed bytes, to inject a vector's ikm into key generation. */
  private static final class FixedBytes extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedBytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      assertThat(out).hasSameSizeAs(bytes);
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }
}
