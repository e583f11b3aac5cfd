// Must not compile: the format string wants two arguments and gets one.
#include "zspan/instrument/zspan.hpp"

void handle(int attempt) {
  TRACE_SCOPE("handle");
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_LOG("attempt {} of {}", attempt);
#else
  TRACE_LOG("attempt {} of {}", attempt, 3);
#endif
}
