/* Test fixture: the sum and row count of column "x", a log line, and the schema's length. */
#include "../../main/cleanroom/fedfhir.h"

int run(void) {
  char schema[256];
  int length = fedfhir_schema(schema, sizeof schema);
  if (length > (int) sizeof schema) {
    return 2;
  }
  int x = fedfhir_column(schema, length, "x");
  int n = fedfhir_rows_count();
  int width = fedfhir_row_width();
  double *rows = fedfhir_alloc((unsigned long) n * width * 8);
  if (rows == 0 || x < 0) {
    return 1;
  }
  fedfhir_read_rows(rows, n * width * 8);
  double sum = 0;
  for (int i = 0; i < n; i++) {
    sum += rows[i * width + x];
  }
  fedfhir_log("summed", 6);
  fedfhir_record out[3];
  fedfhir_name(&out[0], "sum");
  out[0].value = sum;
  fedfhir_name(&out[1], "n");
  out[1].value = n;
  fedfhir_name(&out[2], "schema_length");
  out[2].value = length;
  for (int i = 0; i < 3; i++) {
    out[i].group = FEDFHIR_ALL_ROWS;
    out[i].zero = 0;
  }
  return fedfhir_write_result(out, sizeof out);
}
