package org.fedfhir.securecompute.sharing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.bouncycastle.crypto.threshold.ShamirSecretSplitter;
import org.bouncycastle.crypto.threshold.ShamirSplitSecret;
import org.bouncycastle.crypto.threshold.ShamirSplitSecretShare;

/**
 * Shamir t-of-n secret sharing (Shamir, "How to share a secret", CACM 1979) of byte strings, as
 * secure aggregation uses it to share each site's self-mask seed and key among the other sites
 * (Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving Machine Learning",
 * CCS 2017).
 *
 * <p>Each secret byte is shared independently with a random polynomial of degree t-1 over
 * GF(2^8) (AES reduction polynomial), evaluated at x = 1..n; share i is the evaluation at x = i.
 * The field arithmetic is Bouncy Castle's {@link ShamirSecretSplitter}, which is constant-time.
 *
 * <p><b>Security guarantees.</b> Any t shares with distinct indexes give the secret; any t-1 or
 * fewer reveal nothing about it, provided the {@link SecureRandom} passed to
 * {@link #split(byte[], SecureRandom)} is unpredictable. The scheme does <em>not</em> detect
 * tampered shares: a modified share reconstructs to a different secret without any error.
 * Integrity comes from the authenticated encryption the shares travel in.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ShamirScheme {

    private static final ShamirSecretSplitter.Algorithm FIELD = ShamirSecretSplitter.Algorithm.AES;
    /** Bouncy Castle's limit on the secret length. */
    private static final int MAX_SECRET_LENGTH = 65534;

    private final int threshold;
    private final int shares;

    /**
     * @param threshold t, the number of shares needed to reconstruct
     * @param shares n, the number of shares made by {@link #split(byte[], SecureRandom)}
     * @throws IllegalArgumentException unless 1 &le; t &le; n &le; 255
     */
    public ShamirScheme(int threshold, int shares) {
        String range = "; need 1 <= t <= n <= " + Share.MAX_INDEX;
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold " + threshold + " is below 1" + range);
        }
        if (shares > Share.MAX_INDEX) {
            throw new IllegalArgumentException(
                    "shares " + shares + " exceeds " + Share.MAX_INDEX + range);
        }
        if (threshold > shares) {
            throw new IllegalArgumentException(
                    "threshold " + threshold + " exceeds shares " + shares + range);
        }
        this.threshold = threshold;
        this.shares = shares;
    }

    /** @return t, the number of distinct shares needed to reconstruct */
    public int threshold() {
        return threshold;
    }

    /** @return n, the number of shares {@link #split(byte[], SecureRandom)} makes */
    public int shares() {
        return shares;
    }

    /**
     * Splits a secret into n shares with indexes 1..n (in that order).
     *
     * @param secret the secret, 1 to 65534 bytes; not modified and not retained
     * @param random the source of the polynomial coefficients; must be a cryptographic generator
     * @return n shares, each as long as the secret
     * @throws IllegalArgumentException if the secret is empty or longer than 65534 bytes
     */
    public List<Share> split(byte[] secret, SecureRandom random) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(random, "random");
        if (secret.length == 0 || secret.length > MAX_SECRET_LENGTH) {
            throw new IllegalArgumentException("secret has " + secret.length
                    + " bytes; need 1.." + MAX_SECRET_LENGTH);
        }
        ShamirSplitSecret split = ShamirSecretSplitter.getInstance(FIELD, secret.length, random)
                .resplit(secret, threshold, shares);
        ShamirSplitSecretShare[] bcShares = split.getSecretShares();
        List<Share> result = new ArrayList<>(bcShares.length);
        for (int i = 0; i < bcShares.length; i++) {
            // Bouncy Castle numbers its shares 1..n in array order.
            byte[] bytes = encoded(bcShares[i]);
            result.add(new Share(i + 1, bytes));
            Arrays.fill(bytes, (byte) 0);
        }
        return List.copyOf(result);
    }

    /**
     * Reconstructs the secret from at least t shares with distinct indexes. Shares repeated with
     * the same index and the same bytes count once; the first t distinct ones are used.
     *
     * @param shares shares of one secret, in any order
     * @return the secret
     * @throws NotEnoughSharesException if fewer than t distinct indexes are present
     * @throws IllegalArgumentException if a share's index is outside 1..n, the shares differ in
     *     length, or two different shares carry the same index
     */
    public byte[] reconstruct(Collection<Share> shares) {
        Objects.requireNonNull(shares, "shares");
        Map<Integer, Share> byIndex = new LinkedHashMap<>();
        int length = -1;
        for (Share share : shares) {
            Objects.requireNonNull(share, "share");
            if (share.index() > this.shares) {
                throw new IllegalArgumentException("share index " + share.index()
                        + " is outside 1.." + this.shares);
            }
            if (length == -1) {
                length = share.length();
            } else if (share.length() != length) {
                throw new IllegalArgumentException("share index " + share.index() + " has "
                        + share.length() + " bytes, others have " + length);
            }
            Share previous = byIndex.putIfAbsent(share.index(), share);
            if (previous != null && !previous.equals(share)) {
                throw new IllegalArgumentException(
                        "two different shares carry index " + share.index());
            }
        }
        if (byIndex.size() < threshold) {
            throw new NotEnoughSharesException(threshold, byIndex.size());
        }
        ShamirSplitSecretShare[] chosen = new ShamirSplitSecretShare[threshold];
        int i = 0;
        for (Share share : byIndex.values()) {
            if (i == threshold) {
                break;
            }
            byte[] bytes = share.value();
            chosen[i++] = new ShamirSplitSecretShare(bytes, share.index());
            Arrays.fill(bytes, (byte) 0);
        }
        try {
            return ShamirSplitSecret.getInstance(FIELD, chosen).getSecret();
        } catch (IOException e) {
            throw new UncheckedIOException("Bouncy Castle failed to read its own shares", e);
        }
    }

    private static byte[] encoded(ShamirSplitSecretShare share) {
        try {
            return share.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException("Bouncy Castle failed to encode its own share", e);
        }
    }

    @Override
    public String toString() {
        return "ShamirScheme[" + threshold + "-of-" + shares + "]";
    }
}
