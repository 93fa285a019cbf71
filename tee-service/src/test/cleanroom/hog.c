/* Attack fixture: declares a 4 GiB memory maximum, which the clean room refuses at load. */
int run(void) {
  return 0;
}
