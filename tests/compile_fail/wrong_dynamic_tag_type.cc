// Must not compile: a run-time key is still typed; this one wants an integer.
#include <string_view>

#include "zspan/instrument/zspan.hpp"

void handle(std::string_view attribute) {
  const zspan::DynamicTagKey<std::int64_t> quota{attribute};
  TRACE_SCOPE("handle");
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_TAG(quota, "42");
#else
  TRACE_TAG(quota, 42);
#endif
}
