// Finding spans, tags and log fields in what a MemoryExporter kept. span_named, tag_value
// and field_value fail the test (naming what they looked for) when they find nothing;
// string_tag, int_tag and error_message return a placeholder then ("<none>", -1).
//
//   const zspan::SpanData& query = span_named(spans, "query");
//   EXPECT_EQ(int_tag(query, "http.response.status_code"), 200);
//   EXPECT_EQ(field_value(query.logs[0], "event"), Value{"retry"});
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zspan/trace/export/span_data.hpp"

namespace zspan::testing {

inline const SpanData& span_named(const std::vector<SpanData>& spans, std::string_view name) {
  for (const SpanData& s : spans)
    if (s.name == name) return s;
  ADD_FAILURE() << "no span named " << name;
  static const SpanData kNone;
  return kNone;
}

// The spans must outlive the reference: span_named(spans(), ...) does not compile.
const SpanData& span_named(std::vector<SpanData>&&, std::string_view) = delete;

inline SpanData::TagValue tag_value(const SpanData& span, std::string_view key) {
  const SpanData::Tag* tag = span.tag(key);
  EXPECT_NE(tag, nullptr) << "no tag " << key;
  return tag ? tag->value : SpanData::TagValue{};
}

inline SpanData::TagValue field_value(const SpanData::Log& log, std::string_view key) {
  const SpanData::Tag* field = log.field(key);
  EXPECT_NE(field, nullptr) << "no log field " << key;
  return field ? field->value : SpanData::TagValue{};
}

inline std::string string_tag(const SpanData& span, std::string_view key) {
  const SpanData::Tag* tag = span.tag(key);
  const auto* value = tag ? std::get_if<std::string>(&tag->value) : nullptr;
  return value ? *value : "<none>";
}

inline std::int64_t int_tag(const SpanData& span, std::string_view key) {
  const SpanData::Tag* tag = span.tag(key);
  const auto* value = tag ? std::get_if<std::int64_t>(&tag->value) : nullptr;
  return value ? *value : -1;
}

// The message of the span's first log that has one.
inline std::string error_message(const SpanData& span) {
  for (const SpanData::Log& log : span.logs)
    if (const SpanData::Tag* message = log.field("message"))
      if (const auto* text = std::get_if<std::string>(&message->value)) return *text;
  return "<none>";
}

}  // namespace zspan::testing
