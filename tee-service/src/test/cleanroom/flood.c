/* Attack fixture: copies every row into its result (row-level output, and more than the limit). */
#include "../../main/cleanroom/fedfhir.h"

int run(void) {
  int bytes = fedfhir_rows_count() * fedfhir_row_width() * 8;
  void *rows = fedfhir_alloc(bytes);
  if (rows == 0) {
    return 1;
  }
  fedfhir_read_rows(rows, bytes);
  return fedfhir_write_result(rows, bytes);
}
