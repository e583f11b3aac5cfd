// Must not compile: a strict tracer's schema cannot check a key known only at run time.
#include <string_view>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/schema.hpp"
#include "zspan/instrument/zspan.hpp"

using HttpSchema = zspan::Schema<zspan::tags::http_method, zspan::tags::http_status_code>;
zspan::StrictTracer<HttpSchema, zspan::AlwaysOnSampler, zspan::DiscardExporter> http{"http"};

void handle(std::string_view attribute) {
  const zspan::DynamicTagKey<std::string_view> key{attribute};
#ifdef ZSPAN_COMPILE_FAIL
  TRACE_SCOPE_WITH(http, "handle", zspan::tags::http_method = "GET", key = "value");
#else
  TRACE_SCOPE_WITH(http, "handle", zspan::tags::http_method = "GET");
  TRACE_TAG(key, "value");  // the current span's tags are not checked against a schema
#endif
}
