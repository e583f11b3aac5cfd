// SpanData: a finished span that owns its data, for exporters that keep spans beyond the
// export call. Built from a SpanView by SpanData::copy_of (one allocation per string).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zspan/trace/export/span_view.hpp"

namespace zspan {

// An owning copy of a span, fields included: what an exporter keeps when it must
// outlive the export call (a test, a file written later, a trace assembled whole).
struct SpanData {
  struct ExtraReference {
    Reference kind;
    TraceId trace_id;
    SpanId span_id;
  };
  using TagValue = std::variant<bool, std::int64_t, std::uint64_t, double, std::string, std::vector<bool>,
                                std::vector<std::int64_t>, std::vector<std::uint64_t>, std::vector<double>,
                                std::vector<std::string>>;
  struct Tag {
    std::string key;
    TagValue value;
    bool truncated = false;  // a string (or an array's string) was cut at the size limit
  };
  struct Log {
    std::uint64_t unix_nanos = 0;
    std::vector<Tag> fields;

    const Tag* field(std::string_view key) const noexcept;
  };

  std::string name;
  std::string service;
  const Callsite* callsite = nullptr;
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_id;
  Reference parent_reference = Reference::kChildOf;
  bool remote_parent = false;
  bool error = false;
  bool forced = false;  // SpanView::forced()
  std::uint64_t start_unix_nanos = 0;
  std::uint64_t end_unix_nanos = 0;
  std::uint64_t duration_nanos = 0;
  std::uint32_t dropped_fields = 0;  // tags, logs and references that did not fit
  std::vector<ExtraReference> references;
  std::vector<Tag> tags;  // in the order they were set
  std::vector<Log> logs;

  // The last tag set with this key, or nullptr.
  const Tag* tag(std::string_view key) const noexcept;

  static SpanData copy_of(const SpanView& span);
};

}  // namespace zspan
