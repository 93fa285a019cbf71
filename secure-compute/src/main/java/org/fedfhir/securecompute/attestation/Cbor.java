package org.fedfhir.securecompute.attestation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cbor.CBORDecoder;
import org.bouncycastle.cbor.CBOREncoder;
import org.bouncycastle.cbor.CBORType;

/**
 * The small CBOR (RFC 8949) subset attestation documents use, on Bouncy Castle's codec: unsigned
 * and negative integers ({@link Long}), byte strings ({@code byte[]}), text strings, arrays
 * ({@link List}), maps ({@link Map} in document order, duplicate keys refused), null, booleans and
 * tags (the tag is dropped, its content kept). Floats and indefinite lengths are refused.
 */
final class Cbor {

  private static final int MAX_DEPTH = 8;
  private static final int MAX_ITEMS = 4096;

  private Cbor() {}

  /** Decodes exactly one item that spans all of {@code bytes}. */
  static Object decode(byte[] bytes) throws IOException {
    CBORDecoder decoder = new CBORDecoder(bytes);
    Object value = read(decoder, 0);
    decoder.expectEnd();
    return value;
  }

  private static Object read(CBORDecoder in, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("CBOR nested deeper than " + MAX_DEPTH);
    }
    switch (in.peekMajorType()) {
      case CBORType.UNSIGNED_INTEGER:
      case CBORType.NEGATIVE_INTEGER:
        return in.readInteger();
      case CBORType.BYTE_STRING:
        return in.readByteString();
      case CBORType.TEXT_STRING:
        return in.readTextString();
      case CBORType.ARRAY: {
        int n = in.readArrayHeader();
        checkCount(n);
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(read(in, depth + 1));
        }
        return list;
      }
      case CBORType.MAP: {
        int n = in.readMapHeader();
        checkCount(n);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Object key = read(in, depth + 1);
          if (!(key instanceof Long || key instanceof String)) {
            throw new IOException("CBOR map key must be an integer or text");
          }
          if (map.put(key, read(in, depth + 1)) != null) {
            throw new IOException("CBOR map has duplicate key " + key);
          }
        }
        return map;
      }
      case CBORType.TAG:
        in.readTag();
        return read(in, depth + 1);
      case CBORType.SIMPLE:
        if (in.nextIsNull()) {
          in.readNull();
          return null;
        }
        return in.readBoolean();
      default:
        throw new IOException("unsupported CBOR major type");
    }
  }

  private static void checkCount(int n) throws IOException {
    if (n < 0 || n > MAX_ITEMS) {
      throw new IOException("CBOR container of " + n + " items outside 0.." + MAX_ITEMS);
    }
  }

  /** Encodes the same subset (maps keep their iteration order). */
  static byte[] encode(Object value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      write(new CBOREncoder(bytes), value);
      return bytes.toByteArray();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static void write(CBOREncoder out, Object value) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof Long || value instanceof Integer) {
      out.writeInteger(((Number) value).longValue());
    } else if (value instanceof byte[] b) {
      out.writeByteString(b);
    } else if (value instanceof String s) {
      out.writeTextString(s);
    } else if (value instanceof Boolean b) {
      out.writeBoolean(b);
    } else if (value instanceof List<?> list) {
      out.writeArrayHeader(list.size());
      for (Object item : list) {
        write(out, item);
      }
    } else if (value instanceof Map<?, ?> map) {
      out.writeMapHeader(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        write(out, e.getKey());
        write(out, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName() + " as CBOR");
    }
  }
}
