package org.fedfhir.tee.cleanroom;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fedfhir.study.CleanRoomProgram;

/**
 * The clean room's disclosure rule, applied inside the enclave to a program's raw result before
 * anything leaves. The whole result is refused if it is not whole ABI records, names an output the
 * study did not declare, repeats a (name, group), or names a group that does not exist: a program
 * cannot smuggle rows out as extra records. Of a valid result, a record is released only if its
 * group counts at least the declared minimum of pooled rows (counted here, not by the program);
 * the others are suppressed and only their name and group are reported.
 */
public final class DisclosureCheck {

  /** A record withheld because its group counts fewer rows than the minimum. */
  public record Suppressed(String name, int group) {}

  /** What may leave: the released records and the (name, group) of those suppressed. */
  public record Checked(List<ResultRecord> released, List<Suppressed> suppressed) {
    public Checked {
      released = List.copyOf(released);
      suppressed = List.copyOf(suppressed);
    }
  }

  private DisclosureCheck() {}

  /**
   * @param rows the pooled rows the program ran over (with its {@code label} and {@code site} columns)
   * @throws DisclosureRefusedException if the result as a whole may not leave
   */
  public static Checked apply(byte[] result, CleanRoomProgram program, RowTable rows) throws DisclosureRefusedException {
    List<ResultRecord> records;
    try {
      records = ResultRecord.decode(result);
    } catch (IllegalArgumentException e) {
      throw new DisclosureRefusedException("the program's result is not ABI records (" + e.getMessage()
          + "); nothing is released");
    }
    Set<String> declared = Set.copyOf(program.outputs());
    Set<String> seen = new HashSet<>();
    List<ResultRecord> released = new ArrayList<>();
    List<Suppressed> suppressed = new ArrayList<>();
    for (ResultRecord r : records) {
      if (!declared.contains(r.name())) {
        throw new DisclosureRefusedException("the program wrote output '" + r.name() + "', which the study does not "
            + "declare (declared: " + program.outputs() + "); nothing is released");
      }
      if (!seen.add(r.name() + "@" + r.group())) {
        throw new DisclosureRefusedException("the program wrote output '" + r.name() + "' twice for group " + r.group()
            + " (row-level output); nothing is released");
      }
      if (!Double.isFinite(r.value())) {
        throw new DisclosureRefusedException("the program wrote output '" + r.name() + "' for group " + r.group()
            + " as a value that is not a finite number; nothing is released");
      }
      long count = count(rows, program.disclosure().groupBy(), r.group());
      if (count < 0) {
        throw new DisclosureRefusedException("the program wrote output '" + r.name() + "' for group " + r.group()
            + ", which grouping by " + program.disclosure().groupBy().code() + " does not have; nothing is released");
      }
      if (count >= program.disclosure().minCount()) {
        released.add(r);
      } else {
        suppressed.add(new Suppressed(r.name(), r.group()));
      }
    }
    return new Checked(released, suppressed);
  }

  /** Rows in the group, or -1 if the grouping has no such group. */
  private static long count(RowTable rows, CleanRoomProgram.GroupBy groupBy, int group) {
    if (group == ResultRecord.ALL_ROWS) {
      return rows.rows();
    }
    if (groupBy == CleanRoomProgram.GroupBy.NONE) {
      return -1;
    }
    int column = rows.columns().indexOf(groupBy.code());
    long count = 0;
    for (int i = 0; i < rows.rows(); i++) {
      count += rows.value(i, column) == group ? 1 : 0;
    }
    return count == 0 ? -1 : count;
  }
}
