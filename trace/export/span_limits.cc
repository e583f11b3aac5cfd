#include "zspan/trace/export/span_limits.hpp"

#include <optional>

#include "zspan/trace/env.hpp"

namespace zspan {

SpanLimits SpanLimits::from_env() noexcept {
  SpanLimits limits;
  const auto value_length = env::limit("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
                                       env::limit("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", std::nullopt));
  limits.attribute_value_length = value_length.value_or(kNoLimit);
  const std::uint64_t attribute_count = *env::limit("OTEL_ATTRIBUTE_COUNT_LIMIT", limits.attribute_count);
  limits.attribute_count = *env::limit("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", attribute_count);
  limits.event_attribute_count = *env::limit("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", attribute_count);
  limits.event_count = *env::limit("OTEL_SPAN_EVENT_COUNT_LIMIT", limits.event_count);
  limits.link_count = *env::limit("OTEL_SPAN_LINK_COUNT_LIMIT", limits.link_count);
  return limits;
}

const SpanLimits& SpanLimits::get() noexcept {
  static const SpanLimits limits = from_env();
  return limits;
}

}  // namespace zspan
