package org.fedfhir.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The small JSON and statistics helpers of the {@code bench} harnesses that print figures and
 * write them with {@code --json}: a flat or nested map of names to numbers, strings, booleans,
 * lists and maps, in insertion order; non-finite numbers are written as {@code null} so the file stays JSON.
 */
final class BenchJson {

  private BenchJson() {}

  /** The map as a JSON object, two-space indented, keys in the map's order. */
  static String write(Map<String, ?> figures) {
    StringBuilder out = new StringBuilder();
    object(out, figures, "");
    return out.append('\n').toString();
  }

  private static void object(StringBuilder out, Map<String, ?> map, String indent) {
    out.append("{\n");
    int i = 0;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      out.append(indent).append("  ").append(string(e.getKey())).append(": ");
      value(out, e.getValue(), indent + "  ");
      out.append(++i < map.size() ? ",\n" : "\n");
    }
    out.append(indent).append('}');
  }

  private static void array(StringBuilder out, List<?> list, String indent) {
    if (list.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append("[\n");
    int i = 0;
    for (Object item : list) {
      out.append(indent).append("  ");
      value(out, item, indent + "  ");
      out.append(++i < list.size() ? ",\n" : "\n");
    }
    out.append(indent).append(']');
  }

  private static void value(StringBuilder out, Object v, String indent) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, ?> nested = (Map<String, ?>) m;
      object(out, nested, indent);
    } else if (v instanceof List<?> list) {
      array(out, list, indent);
    } else if (v instanceof Double d) {
      out.append(Double.isFinite(d) ? number(d) : "null");
    } else if (v instanceof Float f) {
      out.append(Float.isFinite(f) ? number(f) : "null");
    } else if (v instanceof Number || v instanceof Boolean) {
      out.append(v);
    } else {
      out.append(string(v.toString()));
    }
  }

  /** Doubles as Java prints them (shortest round-trip form), but never in a form JSON refuses. */
  private static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return String.format(Locale.ROOT, "%.1f", d);
    }
    return Double.toString(d).replace("E", "e");
  }

  private static String string(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** The arithmetic mean; NaN if there are no values. */
  static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** The sample standard deviation (n − 1 in the denominator); NaN for fewer than two values. */
  static double sd(List<Double> values) {
    if (values.size() < 2) {
      return Double.NaN;
    }
    double m = mean(values);
    double squares = values.stream().mapToDouble(v -> (v - m) * (v - m)).sum();
    return Math.sqrt(squares / (values.size() - 1));
  }

  /** The median of the values (mean of the middle two for an even count); NaN if none. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The nearest-rank percentile {@code p} (0 &lt; p ≤ 100) of sorted values. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
