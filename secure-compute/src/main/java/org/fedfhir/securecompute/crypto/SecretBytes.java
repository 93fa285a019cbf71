package org.fedfhir.securecompute.crypto;

import java.util.Arrays;

/**
 * Secret key material: a seed, a private key, a shared secret.
 *
 * <p>Security guarantees: {@link #toString()} never shows the bytes; there is no value-based
 * {@code equals}/{@code hashCode} (so secrets can't end up as map keys or in assertion messages);
 * {@link #equalsConstantTime(SecretBytes)} compares in time independent of where the bytes differ.
 * The holder is responsible for {@link #destroy()}ing material it no longer needs.
 */
public final class SecretBytes {

  private final byte[] bytes;
  private boolean destroyed;

  private SecretBytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies {@code bytes}; the caller may wipe its array afterwards. */
  public static SecretBytes copyOf(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("secret must be non-empty");
    }
    return new SecretBytes(bytes.clone());
  }

  /** Takes ownership of {@code bytes} and wipes nothing else; for freshly derived material. */
  static SecretBytes wrap(byte[] bytes) {
    return new SecretBytes(bytes);
  }

  public int length() {
    return bytes.length;
  }

  /** A copy of the secret bytes, for handing to a primitive; wipe it after use. */
  public byte[] reveal() {
    checkAlive();
    return bytes.clone();
  }

  /** Compares in constant time for equal lengths. */
  public boolean equalsConstantTime(SecretBytes other) {
    checkAlive();
    other.checkAlive();
    return org.bouncycastle.util.Arrays.constantTimeAreEqual(bytes, other.bytes);
  }

  /** Overwrites the bytes with zeros; any later use fails. */
  public void destroy() {
    Arrays.fill(bytes, (byte) 0);
    destroyed = true;
  }

  public boolean isDestroyed() {
    return destroyed;
  }

  private void checkAlive() {
    if (destroyed) {
      throw new IllegalStateException("secret was destroyed");
    }
  }

  @Override
  public String toString() {
    return "SecretBytes[" + bytes.length + " bytes]";
  }
}
