// SpanContext: what a span passes to its children and, through headers, to other
// processes: the ids, the sampling decision, the W3C trace state and the baggage.
//
//   SpanContext ctx = zspan::current_context();
//   if (ctx.valid() && ctx.sampled()) { ... }
#pragma once

#include <cstdint>

#include "zspan/trace/baggage.hpp"
#include "zspan/trace/ids.hpp"
#include "zspan/trace/internal/shared_ref.hpp"
#include "zspan/trace/trace_state.hpp"

namespace zspan {

// The trace flags: W3C trace-flags (§3.2.2.5 of Trace Context Level 2) and one zspan bit.
//   kSampled  the trace is recorded (W3C `sampled`, B3 `1`, Jaeger flag 0x1)
//   kRandom   the trace id's right-most 7 bytes are random (W3C Level 2 `random`): set
//             on the traces zspan starts, kept on the ones it continues from traceparent
//   kForced   recorded whatever the samplers say: B3 `d` / X-B3-Flags: 1, Jaeger's debug
//             flag 0x2, or zspan::ForceTracing (instrument/force_tracing.hpp). Implies
//             kSampled. zspan's own bit: never read from or written to a traceparent.
// Other W3C flags are not kept: version 00 defines no more, and "vendors MUST set those
// [other flags] to zero" when they send the header.
struct TraceFlags {
  static constexpr std::uint8_t kSampled = 0x01;
  static constexpr std::uint8_t kRandom = 0x02;
  static constexpr std::uint8_t kForced = 0x80;
  static constexpr std::uint8_t kW3C = kSampled | kRandom;  // the flags a traceparent carries
  std::uint8_t bits = 0;

  constexpr bool sampled() const noexcept { return (bits & kSampled) != 0; }
  constexpr bool random() const noexcept { return (bits & kRandom) != 0; }
  constexpr bool forced() const noexcept { return (bits & kForced) != 0; }
  constexpr TraceFlags with_sampled(bool on) const noexcept {
    return {static_cast<std::uint8_t>(on ? (bits | kSampled) : (bits & ~kSampled))};
  }
  // Forced and so sampled.
  constexpr TraceFlags with_forced() const noexcept { return {static_cast<std::uint8_t>(bits | kForced | kSampled)}; }
  friend constexpr bool operator==(TraceFlags, TraceFlags) = default;
};

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  TraceFlags flags;
  bool remote = false;  // extracted from another process, not started here
  detail::SharedRef<const TraceState> trace_state;
  detail::SharedRef<const Baggage> baggage;

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
