package org.fedfhir.securecompute.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShamirSchemeTest {

    private SecureRandom random;

    @BeforeEach
    void seededRandom() throws NoSuchAlgorithmException {
        random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(20170101L);
    }

    private byte[] randomSecret(int length) {
        byte[] secret = new byte[length];
        random.nextBytes(secret);
        return secret;
    }

    @Test
    void everyThreeOfFiveSubsetReconstructsTheSecret() {
        ShamirScheme scheme = new ShamirScheme(3, 5);
        byte[] secret = randomSecret(32);
        List<Share> shares = scheme.split(secret, random);

        assertThat(shares).extracting(Share::index).containsExactly(1, 2, 3, 4, 5);
        int subsets = 0;
        for (int a = 0; a < 5; a++) {
            for (int b = a + 1; b < 5; b++) {
                for (int c = b + 1; c < 5; c++) {
                    List<Share> subset = List.of(shares.get(c), shares.get(a), shares.get(b));
                    assertThat(scheme.reconstruct(subset)).as("shares %d,%d,%d", a + 1, b + 1, c + 1)
                            .isEqualTo(secret);
                    subsets++;
                }
            }
        }
        assertThat(subsets).isEqualTo(10);
    }

    @Test
    void allSharesTogetherReconstructTheSecret() {
        ShamirScheme scheme = new ShamirScheme(3, 5);
        byte[] secret = randomSecret(16);
        assertThat(scheme.reconstruct(scheme.split(secret, random))).isEqualTo(secret);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 32, 64})
    void randomSecretsOfUsualLengthsRoundTrip(int length) {
        ShamirScheme scheme = new ShamirScheme(4, 7);
        for (int trial = 0; trial < 20; trial++) {
            byte[] secret = randomSecret(length);
            List<Share> shares = new ArrayList<>(scheme.split(secret, random));
            assertThat(shares).allSatisfy(s -> assertThat(s.length()).isEqualTo(length));
            java.util.Collections.shuffle(shares, new java.util.Random(trial));
            assertThat(scheme.reconstruct(shares.subList(0, 4))).isEqualTo(secret);
        }
    }

    @Test
    void splitDoesNotKeepOrAlterTheCallersSecret() {
        ShamirScheme scheme = new ShamirScheme(2, 3);
        byte[] secret = randomSecret(32);
        byte[] copy = secret.clone();
        List<Share> shares = scheme.split(secret, random);
        java.util.Arrays.fill(secret, (byte) 0);

        assertThat(scheme.reconstruct(shares.subList(1, 3))).isEqualTo(copy);
    }

    @Test
    void fewerThanThresholdSharesAreRefused() {
        ShamirScheme scheme = new ShamirScheme(3, 5);
        List<Share> shares = scheme.split(randomSecret(32), random);

        assertThatThrownBy(() -> scheme.reconstruct(shares.subList(0, 2)))
                .isInstanceOf(NotEnoughSharesException.class)
                .hasMessage("need 3 shares to reconstruct, got 2")
                .satisfies(e -> {
                    NotEnoughSharesException n = (NotEnoughSharesException) e;
                    assertThat(n.required()).isEqualTo(3);
                    assertThat(n.present()).isEqualTo(2);
                });
        assertThatThrownBy(() -> scheme.reconstruct(List.of()))
                .isInstanceOf(NotEnoughSharesException.class)
                .hasMessage("need 3 shares to reconstruct, got 0");
    }

    @Test
    void duplicateIndexesCountOnce() {
        ShamirScheme scheme = new ShamirScheme(3, 5);
        List<Share> shares = scheme.split(randomSecret(32), random);
        Share s1 = shares.get(0);
        Share s2 = shares.get(1);
        Share s1Again = new Share(1, s1.value());

        assertThatThrownBy(() -> scheme.reconstruct(List.of(s1, s2, s1Again, s2)))
                .isInstanceOf(NotEnoughSharesException.class)
                .hasMessage("need 3 shares to reconstruct, got 2");
    }

    @Test
    void duplicatesBesideEnoughDistinctSharesStillReconstruct() {
        ShamirScheme scheme = new ShamirScheme(3, 5);
        byte[] secret = randomSecret(32);
        List<Share> shares = scheme.split(secret, random);

        assertThat(scheme.reconstruct(
                List.of(shares.get(4), shares.get(4), shares.get(1), shares.get(4), shares.get(2))))
                .isEqualTo(secret);
    }

    @Test
    void twoDifferentSharesWithTheSameIndexAreRefused() {
        ShamirScheme scheme = new ShamirScheme(2, 3);
        List<Share> a = scheme.split(randomSecret(16), random);
        List<Share> b = scheme.split(randomSecret(16), random);

        assertThatThrownBy(() -> scheme.reconstruct(List.of(a.get(0), a.get(1), b.get(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("two different shares carry index 2");
    }

    @Test
    void sharesOfDifferentLengthsAreRefused() {
        ShamirScheme scheme = new ShamirScheme(2, 3);
        Share longShare = scheme.split(randomSecret(32), random).get(0);
        Share shortShare = scheme.split(randomSecret(16), random).get(1);

        assertThatThrownBy(() -> scheme.reconstruct(List.of(longShare, shortShare)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("share index 2 has 16 bytes, others have 32");
    }

    @Test
    void aShareIndexBeyondTheSchemesShareCountIsRefused() {
        ShamirScheme scheme = new ShamirScheme(2, 3);
        List<Share> shares = scheme.split(randomSecret(16), random);
        Share foreign = new Share(7, shares.get(0).value());

        assertThatThrownBy(() -> scheme.reconstruct(List.of(shares.get(0), foreign)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("share index 7 is outside 1..3");
    }

    @Test
    void aTamperedShareReconstructsADifferentSecret() {
        // Shamir sharing has no integrity: tampering is not detected, it changes the result.
        ShamirScheme scheme = new ShamirScheme(3, 5);
        byte[] secret = randomSecret(32);
        List<Share> shares = scheme.split(secret, random);
        byte[] bytes = shares.get(1).value();
        bytes[5] ^= 0x01;
        Share tampered = new Share(2, bytes);

        byte[] result = scheme.reconstruct(List.of(shares.get(0), tampered, shares.get(2)));

        assertThat(result).hasSize(32).isNotEqualTo(secret);
        for (int i = 0; i < 32; i++) {
            if (i != 5) {
                assertThat(result[i]).as("byte %d is shared independently", i).isEqualTo(secret[i]);
            }
        }
    }

    @Test
    void oneOfNSchemeGivesTheSecretInEveryShare() {
        ShamirScheme scheme = new ShamirScheme(1, 4);
        byte[] secret = randomSecret(32);
        List<Share> shares = scheme.split(secret, random);

        assertThat(shares).hasSize(4).allSatisfy(s -> {
            assertThat(s.value()).isEqualTo(secret);
            assertThat(scheme.reconstruct(List.of(s))).isEqualTo(secret);
        });
    }

    @Test
    void largestSchemeWorks() {
        ShamirScheme scheme = new ShamirScheme(255, 255);
        byte[] secret = randomSecret(16);
        List<Share> shares = scheme.split(secret, random);

        assertThat(shares).hasSize(255);
        assertThat(shares.get(254).index()).isEqualTo(255);
        assertThat(scheme.reconstruct(shares)).isEqualTo(secret);
        assertThatThrownBy(() -> scheme.reconstruct(shares.subList(1, 255)))
                .isInstanceOf(NotEnoughSharesException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 5, threshold 0 is below 1; need 1 <= t <= n <= 255",
        "-1, 5, threshold -1 is below 1; need 1 <= t <= n <= 255",
        "7, 5, threshold 7 exceeds shares 5; need 1 <= t <= n <= 255",
        "3, 256, shares 256 exceeds 255; need 1 <= t <= n <= 255",
        "1, 0, threshold 1 exceeds shares 0; need 1 <= t <= n <= 255",
    })
    void constructionRejectsBadThresholdOrShareCount(int t, int n, String message) {
        assertThatThrownBy(() -> new ShamirScheme(t, n))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void constructionAcceptsTheEdgesOfTheRange() {
        assertThat(new ShamirScheme(1, 1).threshold()).isEqualTo(1);
        ShamirScheme largest = new ShamirScheme(255, 255);
        assertThat(largest.threshold()).isEqualTo(255);
        assertThat(largest.shares()).isEqualTo(255);
    }

    @Test
    void emptySecretIsRefused() {
        ShamirScheme scheme = new ShamirScheme(2, 3);
        assertThatThrownBy(() -> scheme.split(new byte[0], random))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret has 0 bytes; need 1..65534");
    }

    @Test
    void sharesDoNotPrintTheSecretOrTheirBytes() {
        ShamirScheme scheme = new ShamirScheme(2, 3);
        byte[] secret = randomSecret(32);
        List<Share> shares = scheme.split(secret, random);

        String printed = shares.toString() + scheme;
        assertThat(shares.get(2)).hasToString("Share[index=3, 32 bytes]");
        assertThat(printed).doesNotContainIgnoringCase(HexFormat.of().formatHex(secret).substring(0, 8));
        for (Share s : shares) {
            assertThat(printed)
                    .doesNotContainIgnoringCase(HexFormat.of().formatHex(s.value()).substring(0, 8))
                    .doesNotContain(java.util.Arrays.toString(s.value()));
        }
    }
}
