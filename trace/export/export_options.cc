#include <charconv>
#include <cstdlib>
#include <string_view>

#include "trace/diagnostics.hpp"
#include "trace/export/exporter.hpp"
#include "trace/text.hpp"

namespace zspan {
namespace {

// A positive whole number from `variable`, or `fallback` with one line saying so.
template <class T>
T positive_setting(const char* variable, T fallback) noexcept {
  const char* raw = std::getenv(variable);
  if (!raw) return fallback;
  const std::string_view text = trim_ows(raw);
  if (text.empty()) return fallback;  // the spec: an empty value is the default
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size() && value > 0) return static_cast<T>(value);
  static RateLimitedWarning bad{"zspan: bad OTEL_BSP_* value (a positive whole number is needed)"};
  bad.emit("{}=\"{}\", using {}", variable, text.substr(0, 64), static_cast<std::uint64_t>(fallback));
  return fallback;
}

std::chrono::milliseconds millis_setting(const char* variable, std::chrono::milliseconds fallback) noexcept {
  return std::chrono::milliseconds(positive_setting<std::int64_t>(variable, fallback.count()));
}

}  // namespace

ExportOptions ExportOptions::from_env() noexcept {
  ExportOptions o;
  o.max_queue_size = positive_setting("OTEL_BSP_MAX_QUEUE_SIZE", o.max_queue_size);
  o.schedule_delay = millis_setting("OTEL_BSP_SCHEDULE_DELAY", o.schedule_delay);
  o.max_export_batch_size = positive_setting("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", o.max_export_batch_size);
  o.export_timeout = millis_setting("OTEL_BSP_EXPORT_TIMEOUT", o.export_timeout);
  if (o.max_export_batch_size > o.max_queue_size) {
    // The specification: "Must be less than or equal to OTEL_BSP_MAX_QUEUE_SIZE".
    static RateLimitedWarning too_large{"zspan: OTEL_BSP_MAX_EXPORT_BATCH_SIZE is larger than OTEL_BSP_MAX_QUEUE_SIZE"};
    too_large.emit("using {}", o.max_queue_size);
    o.max_export_batch_size = o.max_queue_size;
  }
  return o;
}

}  // namespace zspan
