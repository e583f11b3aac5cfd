// Must not compile: a strict tracer's span takes only the tags its schema lists, in a
// template (checked where the template is instantiated, tracing compiled out too).
#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/schema.hpp"
#include "zspan/instrument/zspan.hpp"

using HttpSchema = zspan::Schema<zspan::tags::http_method, zspan::tags::http_status_code>;
zspan::StrictTracer<HttpSchema, zspan::AlwaysOnSampler, zspan::DiscardExporter> http{"http"};

template <class Query>
void handle(const Query& query) {
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_SCOPE_WITH(http, "handle", zspan::tags::http_method = "GET", zspan::tags::db_statement = query);
#else
  TRACE_SCOPE_WITH(http, "handle", zspan::tags::http_method = query);
#endif
}

template void handle<std::string_view>(const std::string_view&);
