package org.fedfhir.tee.cleanroom;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A site's rows as it seals them to the clean room: a fixed binary layout (never Java
 * serialisation), big endian: the magic {@code "FFCR"}, version 1, the number of columns (u16),
 * each column name (u16 length, UTF-8), the number of rows (u32), then the values row by row (f64,
 * NaN = missing). At most {@link #MAX_ROWS} rows and {@link #MAX_COLUMNS} columns.
 */
public final class RowsPayload {

  /** The most rows one site may send. */
  public static final int MAX_ROWS = 1_000_000;
  /** The most columns a row may have. */
  public static final int MAX_COLUMNS = 256;
  private static final int MAGIC = 0x46464352;
  private static final int VERSION = 1;

  private RowsPayload() {}

  /** The rows in the payload layout. */
  public static byte[] encode(RowTable rows) {
    List<byte[]> names = rows.columns().stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toList();
    int size = 4 + 2 + 2 + names.stream().mapToInt(n -> 2 + n.length).sum() + 4 + rows.rows() * rows.width() * 8;
    ByteBuffer out = ByteBuffer.allocate(size).putInt(MAGIC).putShort((short) VERSION).putShort((short) names.size());
    for (byte[] name : names) {
      out.putShort((short) name.length).put(name);
    }
    out.putInt(rows.rows());
    for (int i = 0; i < rows.rows(); i++) {
      for (int c = 0; c < rows.width(); c++) {
        out.putDouble(rows.value(i, c));
      }
    }
    return out.array();
  }

  /**
   * Reads a payload.
   *
   * @throws IllegalArgumentException naming what is wrong (never a value)
   */
  public static RowTable decode(byte[] payload) {
    ByteBuffer in = ByteBuffer.wrap(payload);
    try {
      if (in.getInt() != MAGIC || in.getShort() != VERSION) {
        throw new IllegalArgumentException("not a FedFHIR clean-room rows payload (magic FFCR, version 1)");
      }
      int width = Short.toUnsignedInt(in.getShort());
      if (width < 1 || width > MAX_COLUMNS) {
        throw new IllegalArgumentException(width + " columns; need 1–" + MAX_COLUMNS);
      }
      List<String> columns = new ArrayList<>(width);
      for (int c = 0; c < width; c++) {
        byte[] name = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(name);
        columns.add(new String(name, StandardCharsets.UTF_8));
      }
      int rows = in.getInt();
      if (rows < 0 || rows > MAX_ROWS) {
        throw new IllegalArgumentException(rows + " rows; need 0–" + MAX_ROWS);
      }
      if (in.remaining() != (long) rows * width * 8) {
        throw new IllegalArgumentException("the payload's values are not " + rows + " rows of " + width + " columns");
      }
      double[] values = new double[rows * width];
      in.asDoubleBuffer().get(values);
      return new RowTable(columns, values);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("the rows payload is truncated");
    }
  }
}
