package org.fedfhir.tee.cleanroom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a program's result as the ABI defines it (40 bytes, little endian): a name of up to
 * 23 ASCII characters NUL-padded to 24 bytes, the group as an i32 ({@link #ALL_ROWS} or a value of
 * the study's group column), 4 zero bytes, the value as an f64.
 */
public record ResultRecord(String name, int group, double value) {

  /** Bytes per record. */
  public static final int BYTES = 40;
  /** The group of a statistic over all rows. */
  public static final int ALL_ROWS = -1;

  public ResultRecord {
    if (name.isEmpty() || name.length() > 23 || !name.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException("a result name is 1–23 printable ASCII characters without spaces");
    }
  }

  /**
   * Decodes a whole result.
   *
   * @throws IllegalArgumentException if it is not whole 40-byte records of the ABI's form
   */
  public static List<ResultRecord> decode(byte[] result) {
    if (result.length % BYTES != 0) {
      throw new IllegalArgumentException("a result of " + result.length + " bytes is not whole records of " + BYTES + " bytes");
    }
    ByteBuffer buffer = ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN);
    List<ResultRecord> records = new ArrayList<>();
    while (buffer.hasRemaining()) {
      byte[] name = new byte[24];
      buffer.get(name);
      int end = 0;
      while (end < 24 && name[end] != 0) {
        end++;
      }
      for (int i = end; i < 24; i++) {
        if (name[i] != 0) {
          throw new IllegalArgumentException("record " + records.size() + "'s name is not NUL-padded");
        }
      }
      int group = buffer.getInt();
      if (buffer.getInt() != 0) {
        throw new IllegalArgumentException("record " + records.size() + "'s reserved bytes are not zero");
      }
      double value = buffer.getDouble();
      records.add(new ResultRecord(new String(name, 0, end, StandardCharsets.US_ASCII), group, value));
    }
    return records;
  }

  /** Encodes records as a program writes them. */
  public static byte[] encode(List<ResultRecord> records) {
    ByteBuffer buffer = ByteBuffer.allocate(records.size() * BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (ResultRecord r : records) {
      byte[] name = new byte[24];
      byte[] ascii = r.name().getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(ascii, 0, name, 0, ascii.length);
      buffer.put(name).putInt(r.group()).putInt(0).putDouble(r.value());
    }
    return buffer.array();
  }
}
