package org.fedfhir.securecompute.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShareTest {

    @Test
    void valueIsCopiedOnTheWayInAndOut() {
        byte[] bytes = {1, 2, 3};
        Share share = new Share(4, bytes);
        bytes[0] = 99;
        share.value()[1] = 99;

        assertThat(share.value()).containsExactly(1, 2, 3);
    }

    @Test
    void equalityIsByIndexAndBytes() {
        Share share = new Share(2, new byte[] {1, 2, 3});

        assertThat(share).isEqualTo(new Share(2, new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new Share(2, new byte[] {1, 2, 3}))
                .isNotEqualTo(new Share(3, new byte[] {1, 2, 3}))
                .isNotEqualTo(new Share(2, new byte[] {1, 2, 4}))
                .isNotEqualTo(new Share(2, new byte[] {1, 2}));
    }

    @Test
    void hashCodeDoesNotDependOnTheBytes() {
        assertThat(new Share(2, new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new Share(2, new byte[] {7, 8, 9}));
    }

    @Test
    void toStringShowsIndexAndLengthOnly() {
        Share share = new Share(3, new byte[] {(byte) 0xCA, (byte) 0xFE, 0x42});

        assertThat(share).hasToString("Share[index=3, 3 bytes]");
        assertThat(share.toString()).doesNotContain("-54").doesNotContainIgnoringCase("cafe")
                .doesNotContain("66");
    }

    @Test
    void wireEncodingIsIndexByteThenValue() {
        Share share = new Share(200, new byte[] {5, 6, 7});

        assertThat(share.toBytes()).containsExactly((byte) 200, 5, 6, 7);
        assertThat(Share.fromBytes(share.toBytes())).isEqualTo(share);
    }

    @Test
    void wireEncodingRoundTripsEveryIndex() {
        for (int i = 1; i <= 255; i++) {
            Share share = new Share(i, new byte[] {(byte) i, 0});
            assertThat(Share.fromBytes(share.toBytes())).isEqualTo(share);
        }
    }

    @Test
    void decodingRejectsTooShortOrIndexZero() {
        assertThatThrownBy(() -> Share.fromBytes(new byte[] {3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoded share has 1 bytes");
        assertThatThrownBy(() -> Share.fromBytes(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Share.fromBytes(new byte[] {0, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0");
    }

    @Test
    void constructionRejectsIndexOutsideTheFieldAndEmptyValue() {
        assertThatThrownBy(() -> new Share(0, new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("share index 0 is outside 1..255");
        assertThatThrownBy(() -> new Share(256, new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("share index 256 is outside 1..255");
        assertThatThrownBy(() -> new Share(1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("share with index 1 is empty");
    }
}
