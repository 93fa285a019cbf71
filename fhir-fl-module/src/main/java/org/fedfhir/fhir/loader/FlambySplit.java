package org.fedfhir.fhir.loader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * FLamby's published Fed-Heart-Disease train/test split (seed 43, 66/34 per centre, rows with a
 * {@code ?} dropped), re-created in {@code heart-disease/flamby_split_random_state43.csv}. Keys are
 * the loader's row identifiers {@code {centre}-{line}}; value {@code true} for test rows. Rows FLamby
 * dropped are absent.
 */
public final class FlambySplit {
  private FlambySplit() {}

  public static Map<String, Boolean> isTestByRowKey() {
    try (InputStream in = FlambySplit.class.getResourceAsStream("/heart-disease/flamby_split_random_state43.csv")) {
      if (in == null) {
        throw new IllegalStateException("missing heart-disease/flamby_split_random_state43.csv");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      Map<String, Boolean> split = new HashMap<>();
      String header = r.readLine();
      if (header == null || !header.startsWith("center_id,center_name,source_line_1based")) {
        throw new IllegalStateException("unexpected split header " + header);
      }
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",");
        split.put(f[1] + "-" + f[2], "test".equals(f[6]));
      }
      return split;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
