package org.fedfhir.tee.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowsPayloadTest {

  @Test
  void roundTripsColumnsAndValuesIncludingMissing() {
    RowTable rows = new RowTable(List.of("chol", "label"), new double[] {233, 1, Double.NaN, 0});

    RowTable read = RowsPayload.decode(RowsPayload.encode(rows));

    assertThat(read.columns()).containsExactly("chol", "label");
    assertThat(read.rows()).isEqualTo(2);
    assertThat(read.value(0, 0)).isEqualTo(233);
    assertThat(read.value(1, 0)).isNaN();
  }

  @Test
  void refusesTruncatedOrForeignBytes() {
    byte[] payload = RowsPayload.encode(new RowTable(List.of("chol"), new double[] {1, 2}));

    assertThatThrownBy(() -> RowsPayload.decode(Arrays.copyOf(payload, payload.length - 3)))
        .hasMessageContaining("not 2 rows of 1 columns");
    assertThatThrownBy(() -> RowsPayload.decode("hello world!".getBytes()))
        .hasMessageContaining("not a FedFHIR clean-room rows payload");
  }
}
