package org.fedfhir.tee.cleanroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.fedfhir.study.CleanRoomProgram;
import org.junit.jupiter.api.Test;

/** The disclosure rule on crafted results: what is released, suppressed, or refused as a whole. */
class DisclosureCheckTest {

  /** 12 rows of label 0, 3 of label 1, from two sites. */
  private static final RowTable ROWS = rows();
  private static final CleanRoomProgram PROGRAM = new CleanRoomProgram("program", "00", new byte[0], "text/x-c",
      new byte[0], List.of("n", "median"), new CleanRoomProgram.Disclosure(CleanRoomProgram.GroupBy.LABEL, 5), new byte[32]);

  private static RowTable rows() {
    double[] values = new double[15 * 3];
    for (int i = 0; i < 15; i++) {
      values[3 * i] = 100 + i;
      values[3 * i + 1] = i < 12 ? 0 : 1;
      values[3 * i + 2] = i % 2;
    }
    return new RowTable(List.of("chol", "label", "site"), values);
  }

  private static byte[] result(ResultRecord... records) {
    return ResultRecord.encode(List.of(records));
  }

  @Test
  void releasesGroupsWithTheMinimumAndSuppressesSmallerOnes() throws Exception {
    DisclosureCheck.Checked checked = DisclosureCheck.apply(result(new ResultRecord("n", -1, 15),
        new ResultRecord("median", 0, 105.5), new ResultRecord("median", 1, 13)), PROGRAM, ROWS);

    assertThat(checked.released()).containsExactly(new ResultRecord("n", -1, 15), new ResultRecord("median", 0, 105.5));
    assertThat(checked.suppressed()).containsExactly(new DisclosureCheck.Suppressed("median", 1));
  }

  @Test
  void refusesTheWholeResultWhenAnOutputRepeatsForAGroupAsRowLevelDataWould() {
    assertThatThrownBy(() -> DisclosureCheck.apply(result(new ResultRecord("median", 0, 100),
        new ResultRecord("median", 0, 101)), PROGRAM, ROWS))
        .isInstanceOf(DisclosureRefusedException.class).hasMessageContaining("twice for group 0 (row-level output)");
  }

  @Test
  void refusesTheWholeResultWhenItNamesAnUndeclaredOutput() {
    assertThatThrownBy(() -> DisclosureCheck.apply(result(new ResultRecord("row_17", -1, 100)), PROGRAM, ROWS))
        .isInstanceOf(DisclosureRefusedException.class).hasMessageContaining("'row_17', which the study does not declare");
  }

  @Test
  void refusesAGroupTheGroupingDoesNotHave() {
    assertThatThrownBy(() -> DisclosureCheck.apply(result(new ResultRecord("n", 7, 1)), PROGRAM, ROWS))
        .isInstanceOf(DisclosureRefusedException.class).hasMessageContaining("group 7");
  }

  @Test
  void refusesBytesThatAreNotRecords() {
    assertThatThrownBy(() -> DisclosureCheck.apply(new byte[41], PROGRAM, ROWS))
        .isInstanceOf(DisclosureRefusedException.class).hasMessageContaining("not ABI records");
  }
}
