// Must not compile: a run-time key views its name, which a temporary string would not outlive.
#include <string>

#include "zspan/instrument/zspan.hpp"

void handle(const std::string& prefix) {
#ifdef ZSPAN_COMPILE_FAIL
  const zspan::DynamicTagKey<bool> cached{prefix + ".cached"};
#else
  const std::string name = prefix + ".cached";
  const zspan::DynamicTagKey<bool> cached{name};
#endif
  TRACE_SCOPE("handle");
  TRACE_TAG(cached, true);
}
