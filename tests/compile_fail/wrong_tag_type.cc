// Must not compile: http.status_code is declared as an integer.
#include "zspan/instrument/zspan.hpp"

void handle() {
  TRACE_SCOPE("handle");
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_TAG(zspan::tags::http_status_code, "200");
#else
  TRACE_TAG(zspan::tags::http_status_code, 200);
#endif
}
