package org.fedfhir.tee.model;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The canonical binary encoding of a {@link LinearModel} and its digest. One model has exactly one
 * encoding, so the digest (lowercase hex SHA-256 of the encoding) names the model.
 *
 * <p>Layout (big-endian; strings are a u16 byte length then UTF-8; doubles are IEEE 754 binary64):
 * <pre>
 *   magic    4 bytes "FFLM"
 *   version  1 byte  0x01
 *   kind     1 byte  0x01 = logistic regression on standardised features,
 *                    0x02 = neural network (logistic regression on its last hidden layer)
 *   study    string
 *   model version string
 *   n        u16, 1..4096
 *   names    n strings
 *   means    n doubles
 *   sds      n doubles
 *   (kind 0x02 only:)
 *   layers   u8, 1..2
 *   widths   layers × u16, each 1..256
 *   per layer: weights (width × inputs doubles, unit after unit), biases (width doubles)
 *   (both kinds:)
 *   weights  n doubles (kind 0x01), last width doubles (kind 0x02)
 *   bias     double
 * </pre>
 * Nothing may follow. -0.0 is written as 0.0 so that equal models have equal digests.
 */
public final class ModelCodec {

  private static final byte[] MAGIC = "FFLM".getBytes(StandardCharsets.US_ASCII);

  private ModelCodec() {}

  public static byte[] encode(LinearModel model) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeByte(1);
      out.writeByte(model.hidden() == null ? 1 : 2);
      writeString(out, model.study());
      writeString(out, model.version());
      out.writeShort(model.featureNames().size());
      for (String name : model.featureNames()) {
        writeString(out, name);
      }
      writeDoubles(out, model.means());
      writeDoubles(out, model.sds());
      HiddenLayers hidden = model.hidden();
      if (hidden != null) {
        out.writeByte(hidden.widths().length);
        for (int width : hidden.widths()) {
          out.writeShort(width);
        }
        for (int l = 0; l < hidden.widths().length; l++) {
          writeDoubles(out, hidden.weights()[l]);
          writeDoubles(out, hidden.biases()[l]);
        }
      }
      writeDoubles(out, model.weights());
      out.writeDouble(model.bias() + 0.0);
      return bytes.toByteArray();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * Decodes a model.
   *
   * @throws IllegalArgumentException naming the first field that is wrong
   */
  public static LinearModel decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC) || in.get() != 1) {
        throw new IllegalArgumentException("not a FedFHIR linear model, version 1 (magic, version or kind)");
      }
      byte kind = in.get();
      if (kind != 1 && kind != 2) {
        throw new IllegalArgumentException("not a FedFHIR linear model, version 1 (magic, version or kind)");
      }
      String study = readString(in);
      String version = readString(in);
      int n = Short.toUnsignedInt(in.getShort());
      if (n < 1 || n > LinearModel.MAX_FEATURES) {
        throw new IllegalArgumentException("feature count " + n + " outside 1.." + LinearModel.MAX_FEATURES);
      }
      List<String> names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(readString(in));
      }
      double[] means = readDoubles(in, n);
      double[] sds = readDoubles(in, n);
      HiddenLayers hidden = kind == 2 ? readHidden(in, n) : null;
      double[] weights = readDoubles(in, hidden == null ? n : hidden.outputs());
      double bias = in.getDouble();
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " trailing bytes after the model");
      }
      LinearModel model = new LinearModel(study, version, names, means, sds, weights, bias, hidden);
      if (!Arrays.equals(encode(model), bytes)) {
        throw new IllegalArgumentException("model encoding is not canonical");
      }
      return model;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("model encoding truncated");
    }
  }

  /** Lowercase hex SHA-256 of the canonical encoding. */
  public static String digest(LinearModel model) {
    return digest(encode(model));
  }

  /** Lowercase hex SHA-256 of {@code encoding}. */
  public static String digest(byte[] encoding) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoding));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xFFFF) {
      throw new IllegalArgumentException("string longer than 65535 bytes");
    }
    out.writeShort(utf8.length);
    out.write(utf8);
  }

  static String readString(ByteBuffer in) {
    int length = Short.toUnsignedInt(in.getShort());
    byte[] utf8 = new byte[length];
    in.get(utf8);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("string is not UTF-8");
    }
  }

  private static HiddenLayers readHidden(ByteBuffer in, int features) {
    int layers = Byte.toUnsignedInt(in.get());
    if (layers < 1 || layers > HiddenLayers.MAX_LAYERS) {
      throw new IllegalArgumentException(layers + " hidden layers outside 1.." + HiddenLayers.MAX_LAYERS);
    }
    int[] widths = new int[layers];
    for (int l = 0; l < layers; l++) {
      widths[l] = Short.toUnsignedInt(in.getShort());
      if (widths[l] < 1 || widths[l] > HiddenLayers.MAX_WIDTH) {
        throw new IllegalArgumentException("hidden layer of width " + widths[l] + " outside 1.."
            + HiddenLayers.MAX_WIDTH);
      }
    }
    double[][] weights = new double[layers][];
    double[][] biases = new double[layers][];
    int inputs = features;
    for (int l = 0; l < layers; l++) {
      weights[l] = readDoubles(in, widths[l] * inputs);
      biases[l] = readDoubles(in, widths[l]);
      inputs = widths[l];
    }
    return new HiddenLayers(widths, weights, biases);
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    for (double v : values) {
      out.writeDouble(v + 0.0);
    }
  }

  static double[] readDoubles(ByteBuffer in, int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.getDouble();
    }
    return values;
  }
}
