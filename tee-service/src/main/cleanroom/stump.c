/*
 * Clean-room example: a decision stump (one split on one feature) fitted on the pooled training
 * rows of every site, and its accuracy on each site's own test rows.
 *
 * Inputs: LABEL (default "label", 0 or 1), the enclave's "site" column (0, 1, ...), and every
 * other column as a candidate feature. A row with a missing label is left out; a missing feature
 * value goes to the left side. Each site's rows are split in delivery order: every fourth row
 * (index % 4 == 3 within its site) is a test row, the others train.
 * The split minimises the training rows misclassified (ties: first feature, then lowest threshold);
 * thresholds are midpoints between consecutive distinct training values.
 * Outputs, all rows (group -1): feature (its column index), threshold, left_p and right_p (share of
 * label 1 among the training rows on each side; a row goes left when value <= threshold),
 * train_n; per site (group = site): test_n, accuracy (the share of its test rows predicted right,
 * predicting 1 when the side's share is above 0.5).
 */
#include "fedfhir.h"

#ifndef LABEL
#define LABEL "label"
#endif
#define MAX_SITES 16

int run(void) {
  char schema[1024];
  int length = fedfhir_schema(schema, sizeof schema);
  if (length > (int) sizeof schema) {
    return 2;
  }
  int label = fedfhir_column(schema, length, LABEL);
  int site = fedfhir_column(schema, length, "site");
  if (label < 0 || site < 0) {
    return 1;
  }
  int n = fedfhir_rows_count();
  int width = fedfhir_row_width();
  double *rows = fedfhir_alloc((unsigned long) n * width * 8);
  char *test = fedfhir_alloc((unsigned long) n);
  double *pairs = fedfhir_alloc((unsigned long) n * 16);
  if (rows == 0 || test == 0 || pairs == 0) {
    return 4;
  }
  fedfhir_read_rows(rows, n * width * 8);

  int seen[MAX_SITES] = {0};
  for (int i = 0; i < n; i++) {
    int s = (int) rows[i * width + site];
    if (s < 0 || s >= MAX_SITES) {
      return 3;
    }
    test[i] = seen[s]++ % 4 == 3;
  }

  int best_feature = -1;
  double best_threshold = 0;
  int best_errors = n + 1;
  for (int f = 0; f < width; f++) {
    if (f == label || f == site) {
      continue;
    }
    int m = 0;
    int ones = 0;
    int missing = 0;
    int missing_ones = 0;
    for (int i = 0; i < n; i++) {
      double y = rows[i * width + label];
      if (test[i] || y != y) {
        continue;
      }
      double v = rows[i * width + f];
      if (v != v) {
        missing++;
        missing_ones += y == 1;
        continue;
      }
      pairs[2 * m] = v;
      pairs[2 * m + 1] = y;
      ones += y == 1;
      m++;
    }
    fedfhir_sort(pairs, m, 2);
    /* left = missing rows plus the first i sorted rows */
    int left_n = missing;
    int left_ones = missing_ones;
    int total_n = m + missing;
    int total_ones = ones + missing_ones;
    for (int i = 0; i + 1 < m; i++) {
      left_n++;
      left_ones += pairs[2 * i + 1] == 1;
      if (pairs[2 * i] == pairs[2 * i + 2]) {
        continue;
      }
      int right_n = total_n - left_n;
      int right_ones = total_ones - left_ones;
      int left_errors = 2 * left_ones > left_n ? left_n - left_ones : left_ones;
      int right_errors = 2 * right_ones > right_n ? right_n - right_ones : right_ones;
      if (left_errors + right_errors < best_errors) {
        best_errors = left_errors + right_errors;
        best_feature = f;
        best_threshold = (pairs[2 * i] + pairs[2 * i + 2]) / 2;
      }
    }
  }
  if (best_feature < 0) {
    return 5;
  }

  int train_n = 0, left_n = 0, left_ones = 0, right_n = 0, right_ones = 0;
  for (int i = 0; i < n; i++) {
    double y = rows[i * width + label];
    if (test[i] || y != y) {
      continue;
    }
    double v = rows[i * width + best_feature];
    train_n++;
    if (v != v || v <= best_threshold) {
      left_n++;
      left_ones += y == 1;
    } else {
      right_n++;
      right_ones += y == 1;
    }
  }
  double left_p = left_n > 0 ? (double) left_ones / left_n : 0;
  double right_p = right_n > 0 ? (double) right_ones / right_n : 0;

  fedfhir_record out[5 + 2 * MAX_SITES];
  fedfhir_record *end = out;
  end = fedfhir_put(end, "feature", FEDFHIR_ALL_ROWS, best_feature);
  end = fedfhir_put(end, "threshold", FEDFHIR_ALL_ROWS, best_threshold);
  end = fedfhir_put(end, "left_p", FEDFHIR_ALL_ROWS, left_p);
  end = fedfhir_put(end, "right_p", FEDFHIR_ALL_ROWS, right_p);
  end = fedfhir_put(end, "train_n", FEDFHIR_ALL_ROWS, train_n);
  for (int s = 0; s < MAX_SITES; s++) {
    if (seen[s] == 0) {
      continue;
    }
    int tested = 0, right = 0;
    for (int i = 0; i < n; i++) {
      double y = rows[i * width + label];
      if (!test[i] || (int) rows[i * width + site] != s || y != y) {
        continue;
      }
      double v = rows[i * width + best_feature];
      double p = v != v || v <= best_threshold ? left_p : right_p;
      tested++;
      right += (p > 0.5) == (y == 1);
    }
    end = fedfhir_put(end, "test_n", s, tested);
    end = fedfhir_put(end, "accuracy", s, tested > 0 ? (double) right / tested : 0);
  }
  return fedfhir_write_result(out, (int) ((char *) end - (char *) out));
}
