/*
 * The FedFHIR clean room's ABI for a researcher's WebAssembly program (wasm32, no WASI).
 *
 * A program exports its linear memory as "memory" and a function "run" taking nothing and
 * returning 0 on success (any other value is the program's own error code). The only imports
 * it may use are these, from module "fedfhir":
 *
 *   rows_count()            number of pooled rows
 *   row_width()             number of columns in a row
 *   schema(dst, len)        writes the column names, joined by '\n', into dst if they fit in len
 *                           bytes; returns the length they need either way
 *   read_rows(dst, len)     copies up to len bytes of the rows (f64 little endian, row by row)
 *                           into dst; returns the bytes copied. A missing value is NaN.
 *   write_result(src, len)  the program's output: whole RESULT records; once per run
 *   log(src, len)           appends to a bounded log kept inside the enclave (never released)
 *   seed()                  a 64-bit seed; importable only when the study declares one
 *
 * A RESULT record is 40 bytes: a name (24 bytes ASCII, NUL padded) that the study declares as an
 * output, the group (an i32: -1 for all rows, else the value of the study's group column), 4 bytes
 * of zeros and the value (f64). The enclave releases a record only if its name is declared, it is
 * the only record of that name and group, and its group has at least the study's minimum rows.
 *
 * Build: clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=run
 *        -Wl,--max-memory=N (the clean room refuses a module that declares no maximum).
 */
#ifndef FEDFHIR_H
#define FEDFHIR_H

#define FEDFHIR_IMPORT(n) __attribute__((import_module("fedfhir"), import_name(n)))

FEDFHIR_IMPORT("rows_count") int fedfhir_rows_count(void);
FEDFHIR_IMPORT("row_width") int fedfhir_row_width(void);
FEDFHIR_IMPORT("schema") int fedfhir_schema(char *dst, int len);
FEDFHIR_IMPORT("read_rows") int fedfhir_read_rows(void *dst, int len);
FEDFHIR_IMPORT("write_result") int fedfhir_write_result(const void *src, int len);
FEDFHIR_IMPORT("log") void fedfhir_log(const char *src, int len);

#define FEDFHIR_ALL_ROWS (-1)

typedef struct {
  char name[24];
  int group;
  int zero;
  double value;
} fedfhir_record;

_Static_assert(sizeof(fedfhir_record) == 40, "a result record is 40 bytes");

extern unsigned char __heap_base;

/* A bump allocator over the module's memory, growing it page by page; 0 when the maximum is reached. */
static void *fedfhir_alloc(unsigned long bytes) {
  static unsigned long next;
  if (next == 0) {
    next = (unsigned long) &__heap_base;
  }
  unsigned long start = (next + 7) & ~7ul;
  unsigned long end = start + bytes;
  unsigned long have = __builtin_wasm_memory_size(0) * 65536ul;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535) / 65536) == (unsigned long) -1) {
    return 0;
  }
  next = end;
  return (void *) start;
}

/* Sets a record's name from a C string of at most 23 characters. */
static void fedfhir_name(fedfhir_record *record, const char *name) {
  int i = 0;
  for (; i < 23 && name[i]; i++) {
    record->name[i] = name[i];
  }
  for (; i < 24; i++) {
    record->name[i] = 0;
  }
}

/* The index of the column called name, or -1; schema is the buffer fedfhir_schema filled. */
static int fedfhir_column(const char *schema, int length, const char *name) {
  int column = 0;
  int start = 0;
  for (int i = 0; i <= length; i++) {
    if (i == length || schema[i] == '\n') {
      int k = 0;
      while (start + k < i && name[k] && schema[start + k] == name[k]) {
        k++;
      }
      if (start + k == i && name[k] == 0) {
        return column;
      }
      column++;
      start = i + 1;
    }
  }
  return -1;
}

/* Writes one record at out and returns the place for the next. */
static fedfhir_record *fedfhir_put(fedfhir_record *out, const char *name, int group, double value) {
  fedfhir_name(out, name);
  out->group = group;
  out->zero = 0;
  out->value = value;
  return out + 1;
}

static void fedfhir_sift_down(double *x, int stride, int start, int end) {
  int root = start;
  while (2 * root + 1 <= end) {
    int child = 2 * root + 1;
    if (child + 1 <= end && x[stride * child] < x[stride * (child + 1)]) {
      child++;
    }
    if (x[stride * root] >= x[stride * child]) {
      return;
    }
    for (int k = 0; k < stride; k++) {
      double t = x[stride * root + k];
      x[stride * root + k] = x[stride * child + k];
      x[stride * child + k] = t;
    }
    root = child;
  }
}

/* Heapsort, in place: n records of stride doubles each, ascending by their first double. */
static void fedfhir_sort(double *x, int n, int stride) {
  for (int start = n / 2 - 1; start >= 0; start--) {
    fedfhir_sift_down(x, stride, start, n - 1);
  }
  for (int end = n - 1; end > 0; end--) {
    for (int k = 0; k < stride; k++) {
      double t = x[k];
      x[k] = x[stride * end + k];
      x[stride * end + k] = t;
    }
    fedfhir_sift_down(x, stride, 0, end - 1);
  }
}

#endif
