// SpanContext: what a span passes to its children and, through headers, to other
// processes: the ids, the sampling decision, the W3C trace state and the baggage.
//
//   SpanContext ctx = zspan::current_context();
//   if (ctx.valid() && ctx.sampled()) { ... }
#pragma once

#include <cstdint>

#include "trace/baggage.hpp"
#include "trace/ids.hpp"
#include "trace/shared_ref.hpp"
#include "trace/trace_state.hpp"

namespace zspan {

// W3C trace-flags. Only the sampled bit is defined today; the others are carried as
// received (W3C Trace Context §3.2.2.5: unknown flags are left alone by a participant).
struct TraceFlags {
  static constexpr std::uint8_t kSampled = 0x01;
  std::uint8_t bits = 0;

  constexpr bool sampled() const noexcept { return (bits & kSampled) != 0; }
  constexpr TraceFlags with_sampled(bool on) const noexcept {
    return {static_cast<std::uint8_t>(on ? (bits | kSampled) : (bits & ~kSampled))};
  }
  friend constexpr bool operator==(TraceFlags, TraceFlags) = default;
};

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags flags;
  bool remote = false;  // extracted from another process, not started here
  SharedRef<const TraceState> trace_state;
  SharedRef<const Baggage> baggage;

  bool valid() const noexcept { return trace_id.valid() && span_id.valid(); }
  bool sampled() const noexcept { return flags.sampled(); }
};

}  // namespace zspan
