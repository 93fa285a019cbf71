/* Attack fixture: never returns; the clean room must stop it by fuel or wall time. */
#include "../../main/cleanroom/fedfhir.h"

int run(void) {
  volatile int spin = 0;
  for (;;) {
    spin++;
  }
}
