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

  // Takes the ids and decision a header carried from another process. The trace state
  // of any earlier format is dropped: only W3C carries one, and it sets its own after.
  void adopt_remote(TraceId remote_trace_id, SpanId remote_span_id, TraceFlags remote_flags) noexcept {
    trace_id = remote_trace_id;
    span_id = remote_span_id;
    flags = remote_flags;
    remote = true;
    trace_state = nullptr;
  }

  bool valid() const noexcept { return trace_id.valid() && span_id.valid(); }
  bool sampled() const noexcept { return flags.sampled(); }
};

}  // namespace zspan
