/* Attack fixture: imports a WASI function to write outside the clean room. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int fd_write(int fd, const void *iovs, int count, int *written);

int run(void) {
  int written;
  return fd_write(1, 0, 0, &written);
}
