package org.fedfhir.tee.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.fedfhir.securecompute.sealing.SealingContext;
import org.fedfhir.tee.grpc.v1.FeatureBatch;
import org.fedfhir.tee.grpc.v1.PredictionBatch;
import org.fedfhir.tee.grpc.v1.SealedBatch;
import org.junit.jupiter.api.Test;

/**
 * Golden bytes of the lean path's wire format (sealed_predict.proto) and of a batch's associated
 * data: a change to either breaks every deployed site and TEE, so it must be deliberate.
 */
class LeanWireFormatTest {

  static byte[] repeat(int b, int n) {
    byte[] out = new byte[n];
    Arrays.fill(out, (byte) b);
    return out;
  }

  @Test
  void aFeatureBatchEncodesItsNamesAndPackedRows() {
    byte[] encoded = FeatureBatch.newBuilder()
        .addAllNames(List.of("a", "b")).addValues(1.0).addValues(Double.NaN).build().toByteArray();
    assertThat(HexFormat.of().formatHex(encoded)).isEqualTo("120161" + "120162"
        + "1a10" + "000000000000f03f" + "000000000000f87f");
  }

  @Test
  void aPredictionBatchAndASealedBatchEncodeAsGolden() {
    assertThat(HexFormat.of().formatHex(PredictionBatch.newBuilder().addProbabilities(0.25).build().toByteArray()))
        .isEqualTo("0a08000000000000d03f");
    assertThat(HexFormat.of().formatHex(SealedBatch.newBuilder().setSessionId(ByteString.copyFrom(repeat(2, 16)))
        .setSequence(1).setSealed(ByteString.copyFrom(new byte[] {5})).build().toByteArray()))
        .isEqualTo("0a10" + "02".repeat(16) + "1001" + "1a0105");
    assertThat(HexFormat.of().formatHex(SealedBatch.newBuilder().setSessionId(ByteString.copyFrom(repeat(2, 16)))
        .setSealed(ByteString.copyFrom(new byte[] {5})).setEncapsulatedKey(ByteString.copyFrom(repeat(3, 32)))
        .build().toByteArray()))
        .as("batch 0 carries the channel's encapsulated key")
        .isEqualTo("0a10" + "02".repeat(16) + "1a0105" + "2220" + "03".repeat(32));
  }

  @Test
  void aBatchsAssociatedDataNamesPurposeStudyModelSessionAndSequence() {
    byte[] aad = SealingContext.forFeatureBatch("s", "d", "ab", 7).encode();
    assertThat(new String(aad, java.nio.charset.StandardCharsets.UTF_8)).startsWith("fedfhir/tee-sealing-aad/v1");
    assertThat(HexFormat.of().formatHex(aad)).endsWith("0000000d" + HexFormat.of().formatHex(
        "FEATURE_BATCH".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "0000000173" + "0000000164"
        + "00000004" + HexFormat.of().formatHex("ab/7".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThat(SealingContext.forPredictionBatch("s", "d", "ab", 7).encode()).isNotEqualTo(aad);
    assertThat(SealingContext.forFeatureBatch("s", "d", "ab", 8).encode()).isNotEqualTo(aad);
  }
}
