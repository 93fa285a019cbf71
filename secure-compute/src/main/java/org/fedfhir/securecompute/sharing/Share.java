package org.fedfhir.securecompute.sharing;

import java.util.Objects;

/**
 * One share of a Shamir-shared secret: the evaluation point {@code index} (1..255, the x
 * coordinate in GF(2^8)) and the share bytes (one polynomial evaluation per secret byte).
 *
 * <p>A share is secret material: with t-1 others it gives the secret. Therefore
 * <ul>
 *   <li>the value array is copied on the way in and out, so no caller can alter a share through
 *       an alias;</li>
 *   <li>{@link #toString()} prints the index and length only, never the bytes;</li>
 *   <li>{@link #equals(Object)} compares the bytes in constant time, and {@link #hashCode()}
 *       depends on the index and length only, so neither leaks the value through timing or a hash
 *       table.</li>
 * </ul>
 *
 * <p>Wire form ({@link #toBytes()}): one unsigned byte for the index, then the value bytes. The
 * length is implied by the enclosing message; this encoding carries no authentication and must be
 * sent inside an authenticated encryption (AES-GCM site-to-site, as in Bonawitz et al., CCS 2017).
 *
 * @param index the share's x coordinate, 1..255
 * @param value the share bytes, at least one
 */
public record Share(int index, byte[] value) {

    /** The largest index GF(2^8) allows (index 0 would be the secret itself). */
    public static final int MAX_INDEX = 255;

    /**
     * @throws IllegalArgumentException if the index is outside 1..255 or the value is empty
     * @throws NullPointerException if the value is null
     */
    public Share {
        if (index < 1 || index > MAX_INDEX) {
            throw new IllegalArgumentException(
                    "share index " + index + " is outside 1.." + MAX_INDEX);
        }
        Objects.requireNonNull(value, "value");
        if (value.length == 0) {
            throw new IllegalArgumentException("share with index " + index + " is empty");
        }
        value = value.clone();
    }

    /** @return a copy of the share bytes */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** @return the number of share bytes (equal to the secret's length) */
    public int length() {
        return value.length;
    }

    /**
     * Encodes this share for the wire: one byte index followed by the value.
     *
     * @return a new array of {@code 1 + length()} bytes
     */
    public byte[] toBytes() {
        byte[] out = new byte[1 + value.length];
        out[0] = (byte) index;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    /**
     * Decodes a share written by {@link #toBytes()}.
     *
     * @param encoded index byte followed by at least one value byte
     * @return the share
     * @throws IllegalArgumentException if the encoding is shorter than 2 bytes or the index byte
     *     is 0
     */
    public static Share fromBytes(byte[] encoded) {
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length < 2) {
            throw new IllegalArgumentException("encoded share has " + encoded.length
                    + " bytes; need 1 index byte and at least 1 value byte");
        }
        int index = encoded[0] & 0xFF;
        if (index == 0) {
            throw new IllegalArgumentException("encoded share has index 0; need 1.." + MAX_INDEX);
        }
        byte[] value = java.util.Arrays.copyOfRange(encoded, 1, encoded.length);
        try {
            return new Share(index, value);
        } finally {
            java.util.Arrays.fill(value, (byte) 0);
        }
    }

    /**
     * Two shares are equal when they have the same index and the same bytes; the bytes are
     * compared in constant time.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Share that
                && index == that.index
                && org.bouncycastle.util.Arrays.constantTimeAreEqual(value, that.value);
    }

    /** Depends on the index and length only, never on the share bytes. */
    @Override
    public int hashCode() {
        return 31 * index + value.length;
    }

    /** @return e.g. {@code Share[index=3, 32 bytes]}; never the bytes */
    @Override
    public String toString() {
        return "Share[index=" + index + ", " + value.length + " bytes]";
    }
}
