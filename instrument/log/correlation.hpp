// Log correlation: the current trace and span ids in a program's own log lines, so that a
// log search finds the trace and a trace finds its logs. (Bazel: //instrument/log.)
//
//   const zspan::CurrentIds ids = zspan::current_ids();
//   spdlog::info("charged {} trace_id={} span_id={}", order, ids.trace_id, ids.span_id);
//   fmt::print("{}\n", zspan::TraceId{...});          // 32 lower-case hex digits
//
// The formatters write ids as W3C traceparent and OpenTelemetry's log data model do: 32
// and 16 lower-case hex digits, without allocating. current_ids() reads this thread's
// current span, recording or not: a sampled-out span still has the ids its trace goes by
// downstream, and `sampled` says whether the trace will be found. Outside any span the
// ids are all zero (valid() is false). examples/log_correlation.cc shows an spdlog
// pattern that carries them on every line.
#pragma once

#include <algorithm>

#include <fmt/format.h>

#include <algorithm>

#include "zspan/trace/context.hpp"
#include "zspan/trace/ids.hpp"

namespace zspan {

struct CurrentIds {
  TraceId trace_id;
  SpanId span_id;
  bool sampled = false;

  bool valid() const noexcept { return trace_id.valid() && span_id.valid(); }
};

inline CurrentIds current_ids() noexcept {
  const detail::ContextNode* node = current_node();
  if (!node) return {};
  const detail::ContextNode& holder = node->minted_holder();  // a sampled-out span's ids (trace/context.hpp)
  return {holder.record.trace_id, holder.record.span_id, holder.flags.sampled()};
}

namespace detail {
// Takes only "{}": an id has one spelling.
struct IdFormatterBase {
  constexpr auto parse(fmt::format_parse_context& ctx) {
    if (ctx.begin() != ctx.end() && *ctx.begin() != '}') throw fmt::format_error("zspan ids take no format spec");
    return ctx.begin();
  }
};
}  // namespace detail

}  // namespace zspan

template <>
struct fmt::formatter<zspan::TraceId> : zspan::detail::IdFormatterBase {
  template <class FormatContext>
  auto format(const zspan::TraceId& id, FormatContext& ctx) const {
    char hex[32];
    id.to_hex(hex);
    return std::copy_n(hex, sizeof(hex), ctx.out());
  }
};

template <>
struct fmt::formatter<zspan::SpanId> : zspan::detail::IdFormatterBase {
  template <class FormatContext>
  auto format(const zspan::SpanId& id, FormatContext& ctx) const {
    char hex[16];
    id.to_hex(hex);
    return std::copy_n(hex, sizeof(hex), ctx.out());
  }
};
