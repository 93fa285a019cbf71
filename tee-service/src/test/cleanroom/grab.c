/* Attack fixture: tries to grow its memory far past the limit the clean room allows. */
#include "../../main/cleanroom/fedfhir.h"

int run(void) {
  fedfhir_record record;
  fedfhir_name(&record, "grown");
  record.group = FEDFHIR_ALL_ROWS;
  record.zero = 0;
  record.value = (double) (int) __builtin_wasm_memory_grow(0, 60000);
  return fedfhir_write_result(&record, sizeof record);
}
