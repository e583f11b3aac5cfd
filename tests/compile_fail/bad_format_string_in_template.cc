// Must not compile: the format string wants two arguments and gets one, in a template
// (checked where the template is instantiated, tracing compiled out too).
#include "zspan/instrument/zspan.hpp"

template <class Attempt>
void handle(Attempt attempt) {
  TRACE_SCOPE("handle");
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_LOG("attempt {} of {}", attempt);
#else
  TRACE_LOG("attempt {} of {}", attempt, 3);
#endif
}

template void handle<int>(int);
