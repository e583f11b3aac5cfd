// Must not compile: http.status_code is declared as an integer, and the value's type is
// the template's (checked where the template is instantiated, tracing compiled out too).
#include "zspan/instrument/zspan.hpp"

template <class Status>
void handle(const Status& status) {
  TRACE_SCOPE("handle");
  TRACE_TAG(zspan::tags::http_status_code, status);
}

#ifdef ZSPAN_COMPILE_FAIL
template void handle<const char*>(const char* const&);
#else
template void handle<long>(const long&);
#endif
