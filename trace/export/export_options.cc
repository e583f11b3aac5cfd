#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/env.hpp"
#include "zspan/trace/export/exporter.hpp"

namespace zspan {

ExportOptions ExportOptions::from_env() noexcept {
  ExportOptions o;
  o.max_queue_size = env::positive("OTEL_BSP_MAX_QUEUE_SIZE", o.max_queue_size);
  o.schedule_delay = env::millis("OTEL_BSP_SCHEDULE_DELAY", o.schedule_delay);
  o.max_export_batch_size = env::positive("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", o.max_export_batch_size);
  o.export_timeout = env::millis("OTEL_BSP_EXPORT_TIMEOUT", o.export_timeout);
  if (o.max_export_batch_size > o.max_queue_size) {
    // The specification: "Must be less than or equal to OTEL_BSP_MAX_QUEUE_SIZE".
    static RateLimitedWarning too_large{"zspan: OTEL_BSP_MAX_EXPORT_BATCH_SIZE is larger than OTEL_BSP_MAX_QUEUE_SIZE"};
    too_large.emit("using {}", o.max_queue_size);
    o.max_export_batch_size = o.max_queue_size;
  }
  return o;
}

}  // namespace zspan
