// Must not compile: a strict tracer's span takes only the tags its schema lists.
#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/schema.hpp"
#include "zspan/instrument/zspan.hpp"

using HttpSchema = zspan::Schema<zspan::tags::http_method, zspan::tags::http_status_code>;
zspan::StrictTracer<HttpSchema, zspan::AlwaysOnSampler, zspan::DiscardExporter> http{"http"};

void handle() {
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_SCOPE_WITH(http, "handle", zspan::tags::http_method = "GET", zspan::tags::db_statement = "SELECT 1");
#else
  TRACE_SCOPE_WITH(http, "handle", zspan::tags::http_method = "GET", zspan::tags::http_status_code = 200);
#endif
}
