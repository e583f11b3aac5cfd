// Span names known only at run time: an RPC method from a table, a route matched after
// the span started, an SQL verb. The record keeps a copy of the name, which exporters show
// in place of the callsite's.
//
//   TRACE_SCOPE_NAMED(method.name);             // a span named at run time (instrument/scope.hpp)
//   TRACE_SCOPE_NAMED_WITH(rpc_tracer, method.name, tags::component = "grpc");
//   span.rename(route);                         // a ScopedSpan or Span, after its start
//   TRACE_RENAME(route);                        // the current span
//
// Rules: the callsite keeps its static name, which is what samplers see (the function's
// name, for TRACE_SCOPE_NAMED). The copy is at most 128 bytes, cut at a character boundary
// and counted (trace/run_time_name.hpp); it takes 16-byte entries of the span's field
// storage (1 + its size / 16), so a name that does not fit is dropped and counted on the
// span as a tag is, and the span keeps its last name that fit. An empty name is refused
// (one rate-limited line on stderr). The name expression is evaluated only when the span
// records. A name copy costs more than TRACE_SCOPE's static name, which stays the fast
// default (bench/span_bench.cc, BM_SpanSampledRuntimeName).
#pragma once

#include <string_view>

#include "zspan/instrument/internal/tag_writer.hpp"
#include "zspan/trace/internal/recording.hpp"
#include "zspan/trace/run_time_name.hpp"

namespace zspan {

// Names the span `node` writes to.
inline void rename_span(detail::ContextNode& node, std::string_view name) noexcept {
  detail::ContextNode* const owner = node.fields_owner();
  if (!owner) return;
  const RunTimeName n = run_time_name(name);
  if (n.irregular()) [[unlikely]] {
    detail::note_irregular_name(n, detail::NameUse::kSpanName);
    if (n.text.empty()) return;
  }
  const detail::CutString stored{n.text, n.original_size};
  const std::uint64_t entries = detail::field_entries<std::string_view>(stored);
  if (detail::FieldEntry* at = detail::reserve_entries(node, detail::clamp_entries(entries))) {
    detail::write_field<std::string_view>(at, entries, &detail::kSpanNameKey, stored);
    owner->record.flags |= detail::SpanRecord::kRenamed;
  }
}

namespace detail {
// What the name argument of a compiled-out TRACE_SCOPE_NAMED or TRACE_RENAME is checked as.
constexpr std::string_view span_name_argument(std::string_view name) noexcept { return name; }
}  // namespace detail

}  // namespace zspan
