package org.fedfhir.securecompute.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-256-GCM authenticated encryption with a {@link Binding} as associated data (Bouncy Castle).
 *
 * <p>Security guarantees: confidentiality and integrity of the plaintext, and integrity of the
 * binding: a flipped bit anywhere in the ciphertext, or a ciphertext presented under another
 * binding, fails with {@link AuthenticationFailedException}. Nonces are 96 random bits per message;
 * keys are single-purpose (derived per pair of parties and round), far below GCM's nonce limits.
 * Output layout: {@code nonce(12) ‖ ciphertext ‖ tag(16)}.
 */
public final class AesGcm {

  public static final int KEY_BYTES = 32;
  public static final int NONCE_BYTES = 12;
  public static final int TAG_BYTES = 16;

  private AesGcm() {}

  /** Raised when a ciphertext does not authenticate. Says nothing about the contents. */
  public static final class AuthenticationFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message) {
      super(message);
    }
  }

  public static byte[] seal(SecretBytes key, byte[] plaintext, Binding binding, SecureRandom random) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    GCMModeCipher gcm = cipher(true, key, nonce, binding);
    byte[] out = new byte[NONCE_BYTES + gcm.getOutputSize(plaintext.length)];
    System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
    int n = gcm.processBytes(plaintext, 0, plaintext.length, out, NONCE_BYTES);
    try {
      gcm.doFinal(out, NONCE_BYTES + n);
    } catch (InvalidCipherTextException impossible) {
      throw new IllegalStateException(impossible);
    }
    return out;
  }

  public static byte[] open(SecretBytes key, byte[] sealed, Binding binding)
      throws AuthenticationFailedException {
    if (sealed == null || sealed.length < NONCE_BYTES + TAG_BYTES) {
      throw new AuthenticationFailedException("ciphertext too short");
    }
    byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_BYTES);
    GCMModeCipher gcm = cipher(false, key, nonce, binding);
    int bodyLength = sealed.length - NONCE_BYTES;
    byte[] plain = new byte[gcm.getOutputSize(bodyLength)];
    int n = gcm.processBytes(sealed, NONCE_BYTES, bodyLength, plain, 0);
    try {
      gcm.doFinal(plain, n);
      return plain;
    } catch (InvalidCipherTextException e) {
      java.util.Arrays.fill(plain, (byte) 0);
      throw new AuthenticationFailedException("ciphertext does not authenticate for " + describe(binding));
    }
  }

  private static String describe(Binding b) {
    return "round " + b.round() + ", stage " + b.stage() + ", sender " + b.sender()
        + ", recipient " + b.recipient();
  }

  private static GCMModeCipher cipher(boolean encrypt, SecretBytes key, byte[] nonce, Binding binding) {
    if (key.length() != KEY_BYTES) {
      throw new IllegalArgumentException("AES-256-GCM key must be 32 bytes, got " + key.length());
    }
    byte[] raw = key.reveal();
    try {
      GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
      gcm.init(encrypt, new AEADParameters(new KeyParameter(raw), TAG_BYTES * 8, nonce, binding.encode()));
      return gcm;
    } finally {
      java.util.Arrays.fill(raw, (byte) 0);
    }
  }
}
