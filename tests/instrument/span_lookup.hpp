// Finding spans and tag values in what a MemoryExporter kept.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "trace/export/span_data.hpp"

inline const zspan::SpanData& span_named(const std::vector<zspan::SpanData>& spans, std::string_view name) {
  for (const zspan::SpanData& s : spans)
    if (s.name == name) return s;
  ADD_FAILURE() << "no span named " << name;
  static const zspan::SpanData kNone;
  return kNone;
}

// The spans must outlive the reference: span_named(spans(), ...) does not compile.
const zspan::SpanData& span_named(std::vector<zspan::SpanData>&&, std::string_view) = delete;

inline std::string string_tag(const zspan::SpanData& span, std::string_view key) {
  const zspan::SpanData::Tag* tag = span.tag(key);
  const auto* value = tag ? std::get_if<std::string>(&tag->value) : nullptr;
  return value ? *value : "<none>";
}

inline std::int64_t int_tag(const zspan::SpanData& span, std::string_view key) {
  const zspan::SpanData::Tag* tag = span.tag(key);
  const auto* value = tag ? std::get_if<std::int64_t>(&tag->value) : nullptr;
  return value ? *value : -1;
}

inline std::string error_message(const zspan::SpanData& span) {
  for (const zspan::SpanData::Log& log : span.logs)
    if (const zspan::SpanData::Tag* message = log.field("message"))
      if (const auto* text = std::get_if<std::string>(&message->value)) return *text;
  return "<none>";
}
