// SpanLimits: how much of each span is exported, the OpenTelemetry span limits. They are
// applied where a span is mapped for export (trace/export/otel.hpp), by every exporter
// alike, never on the hot path (a record is bounded by its size already).
//
//   OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=256 ./server    # strings cut at 256 characters
//
// The rules (the OpenTelemetry SDK's span limits and their environment variables):
//  - Read from the environment once, when the first span is exported (SpanLimits::get()):
//      attribute_value_length  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
//                              else OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT       no limit
//      attribute_count         OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT,
//                              else OTEL_ATTRIBUTE_COUNT_LIMIT              128
//      event_count             OTEL_SPAN_EVENT_COUNT_LIMIT                  128
//      link_count              OTEL_SPAN_LINK_COUNT_LIMIT                   128
//      event_attribute_count   OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
//                              else OTEL_ATTRIBUTE_COUNT_LIMIT              128
//    A value that is not a whole number (0 included) gets one line on stderr, and the
//    default applies.
//  - A string longer than attribute_value_length characters (UTF-8 code points), alone or
//    in an array, is cut to that many, never inside a character, and counts as cut
//    (StringValue::truncated()), as a string cut at the record's size limit does.
//  - Past its count, an attribute, event, link or event attribute is not exported and is
//    counted: otel::SpanSummary's dropped_attributes, dropped_events and dropped_links,
//    otel::Event::dropped_attributes(). The first ones written are kept.
//  - OTEL_LINK_ATTRIBUTE_COUNT_LIMIT does not apply: a link has one attribute, its
//    opentracing.ref_type.
#pragma once

#include <cstdint>

namespace zspan {

struct SpanLimits {
  static constexpr std::uint64_t kNoLimit = UINT64_MAX;

  std::uint64_t attribute_value_length = kNoLimit;
  std::uint64_t attribute_count = 128;
  std::uint64_t event_count = 128;
  std::uint64_t link_count = 128;
  std::uint64_t event_attribute_count = 128;

  static SpanLimits from_env() noexcept;
  // from_env(), read once.
  static const SpanLimits& get() noexcept;
};

}  // namespace zspan
