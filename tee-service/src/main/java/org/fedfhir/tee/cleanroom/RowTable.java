package org.fedfhir.tee.cleanroom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;

/**
 * The pooled rows a program reads: named columns and their values row by row (NaN = missing).
 * Never logged; {@link #toString()} names the columns and counts only.
 */
public final class RowTable {

  private final List<String> columns;
  private final double[] values;

  /**
   * @param columns distinct names without line breaks (the schema joins them with {@code '\n'})
   * @param values row-major, a whole number of rows
   */
  public RowTable(List<String> columns, double[] values) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a row table needs at least one column");
    }
    if (new HashSet<>(columns).size() != columns.size()) {
      throw new IllegalArgumentException("column names must be distinct: " + columns);
    }
    for (String column : columns) {
      if (column.isEmpty() || column.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a column name must be non-empty and have no line break");
      }
    }
    if (values.length % columns.size() != 0) {
      throw new IllegalArgumentException(values.length + " values are not whole rows of " + columns.size() + " columns");
    }
    this.columns = List.copyOf(columns);
    this.values = values.clone();
  }

  public List<String> columns() {
    return columns;
  }

  public int width() {
    return columns.size();
  }

  public int rows() {
    return values.length / columns.size();
  }

  /** The value in {@code row} of {@code column}. */
  public double value(int row, int column) {
    return values[row * columns.size() + column];
  }

  /** The schema as the ABI gives it: UTF-8 column names joined by {@code '\n'}. */
  byte[] schemaBytes() {
    return String.join("\n", columns).getBytes(StandardCharsets.UTF_8);
  }

  /** The rows as the ABI gives them: f64 little endian, row by row. */
  byte[] rowBytes() {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      buffer.putDouble(v);
    }
    return buffer.array();
  }

  @Override
  public String toString() {
    return "RowTable" + columns + " of " + rows() + " rows";
  }
}
