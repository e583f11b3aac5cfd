// Must not compile: one key twice in one span's tags.
#include "zspan/instrument/zspan.hpp"

void handle() {
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_SCOPE("handle", zspan::tags::http_status_code = 200, zspan::tags::http_status_code = 404);
#else
  TRACE_SCOPE("handle", zspan::tags::http_status_code = 200, zspan::tags::http_method = "GET");
#endif
}
