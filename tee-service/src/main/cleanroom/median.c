/*
 * Clean-room example: the median and quartiles of one numeric feature over the pooled rows of
 * every site, overall and by group -- order statistics that secure sums cannot give cheaply.
 *
 * Inputs (by column name): FEATURE (default "chol", the network study's cholesterol) and GROUP (default "label", an
 * integer code). A row whose feature or group is missing (NaN) is left out.
 * Outputs per group and for all rows (group -1): n, q1, median, q3 -- quantiles by linear
 * interpolation between order statistics (R's type 7, numpy's default): for p in [0, 1],
 * h = (n - 1) p, q = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 * At most MAX_GROUPS distinct groups; more is error 3.
 */
#include "fedfhir.h"

#ifndef FEATURE
#define FEATURE "chol"
#endif
#ifndef GROUP
#define GROUP "label"
#endif
#define MAX_GROUPS 8

static double quantile(const double *sorted, int n, double p) {
  double h = (n - 1) * p;
  int lo = (int) h;
  if (lo + 1 >= n) {
    return sorted[n - 1];
  }
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

static fedfhir_record *summarise(fedfhir_record *out, double *values, int n, int group) {
  fedfhir_sort(values, n, 1);
  out = fedfhir_put(out, "n", group, n);
  if (n > 0) {
    out = fedfhir_put(out, "q1", group, quantile(values, n, 0.25));
    out = fedfhir_put(out, "median", group, quantile(values, n, 0.5));
    out = fedfhir_put(out, "q3", group, quantile(values, n, 0.75));
  }
  return out;
}

int run(void) {
  char schema[1024];
  int length = fedfhir_schema(schema, sizeof schema);
  if (length > (int) sizeof schema) {
    return 2;
  }
  int feature = fedfhir_column(schema, length, FEATURE);
  int group = fedfhir_column(schema, length, GROUP);
  if (feature < 0 || group < 0) {
    return 1;
  }
  int n = fedfhir_rows_count();
  int width = fedfhir_row_width();
  double *rows = fedfhir_alloc((unsigned long) n * width * 8);
  double *values = fedfhir_alloc((unsigned long) n * 8);
  if (rows == 0 || values == 0) {
    return 4;
  }
  fedfhir_read_rows(rows, n * width * 8);

  int groups[MAX_GROUPS];
  int group_count = 0;
  int all = 0;
  for (int i = 0; i < n; i++) {
    double v = rows[i * width + feature];
    double g = rows[i * width + group];
    if (v != v || g != g) {
      continue;
    }
    values[all++] = v;
    int k = 0;
    while (k < group_count && groups[k] != (int) g) {
      k++;
    }
    if (k == group_count) {
      if (group_count == MAX_GROUPS) {
        return 3;
      }
      groups[group_count++] = (int) g;
    }
  }
  /* groups in ascending order, so the output does not depend on the order sites delivered in */
  for (int i = 1; i < group_count; i++) {
    for (int j = i; j > 0 && groups[j - 1] > groups[j]; j--) {
      int t = groups[j];
      groups[j] = groups[j - 1];
      groups[j - 1] = t;
    }
  }

  fedfhir_record out[4 * (MAX_GROUPS + 1)];
  fedfhir_record *end = summarise(out, values, all, FEDFHIR_ALL_ROWS);
  for (int k = 0; k < group_count; k++) {
    int m = 0;
    for (int i = 0; i < n; i++) {
      double v = rows[i * width + feature];
      double g = rows[i * width + group];
      if (v == v && g == g && (int) g == groups[k]) {
        values[m++] = v;
      }
    }
    end = summarise(end, values, m, groups[k]);
  }
  return fedfhir_write_result(out, (int) ((char *) end - (char *) out));
}
