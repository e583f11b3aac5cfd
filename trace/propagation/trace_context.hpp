// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` and
// `tracestate` headers.
//
//   traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//   tracestate:  congo=t61rcWkgMzE,rojo=00f067aa0ba902b7
//
//   zspan::TraceContextPropagator w3c;
//   zspan::SpanContext ctx;
//   w3c.extract(request_headers, ctx);    // ctx.valid() when traceparent was good
//   w3c.inject(ctx, outgoing_headers);
//
// Trace Context Level 2 (https://www.w3.org/TR/trace-context-2/):
//  - A traceparent that is missing, malformed or sent twice leaves the context unchanged,
//    so the receiver starts a new trace (§3.2, §4.3).
//  - Flags: `sampled` (0x01) and `random` (0x02) are read and written; others are zeroed.
//    Traces zspan starts have random ids and say so; a continued trace keeps the flag.
//  - tracestate keys follow the Level 2 grammar: simple keys of up to 256 characters,
//    multi-tenant keys `tenant@system` (tenant up to 241, system up to 14).
//  - A tracestate that repeats a key is passed on with the key's first member only (and
//    counted in propagation_drops().tracestate_duplicates); one that is malformed or
//    over 32 members is dropped whole, never the traceparent (§3.3.1.5).
//  - The inject of a context that is not sampled sends a parent-id of its own, not its
//    caller's (zspan::inject, trace/propagation/propagator.hpp).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/propagation/drops.hpp"
#include "zspan/trace/span_context.hpp"

namespace zspan {

struct TraceParent {
  TraceId trace_id;
  SpanId parent_id;
  TraceFlags flags;
};

inline constexpr std::size_t kTraceParentSize = 55;  // version 00: 2+1+32+1+16+1+2

// Parses one traceparent value (§3.2.2, §4.3 for versions above 00).
std::optional<TraceParent> parse_traceparent(std::string_view value) noexcept;
void format_traceparent(TraceId trace_id, SpanId parent_id, TraceFlags flags, char (&out)[kTraceParentSize]) noexcept;

// Parses the tracestate header values in the order received, as one list (§3.3.1: a
// tracestate split over several header lines is one list). Null when empty or invalid.
// The header value to send is TraceState::header_value(): members without OWS or empty
// list-members, comma-separated (§3.3.1.1).
detail::SharedRef<const TraceState> parse_tracestate(std::span<const std::string_view> values) noexcept;

struct TraceContextPropagator {
  template <ReadableCarrier C>
  void extract(const C& carrier, SpanContext& ctx) const {
    std::string_view traceparent, tracestate;
    int traceparent_lines = 0, tracestate_lines = 0;
    visit_headers(carrier, [&](std::string_view name, std::string_view value) {
      if (header_name_equals(name, "traceparent")) {
        traceparent = value;
        ++traceparent_lines;
      } else if (header_name_equals(name, "tracestate") && tracestate_lines++ == 0) {
        tracestate = value;
      }
    });
    if (traceparent_lines == 0) return;
    std::optional<TraceParent> parent;
    // A duplicated traceparent is ambiguous: start a new trace, as for an invalid one.
    if (traceparent_lines == 1) parent = parse_traceparent(traceparent);
    if (!parent) return detail::g_traceparent_rejected.emit("{} line(s)", traceparent_lines);
    ctx.adopt_remote(parent->trace_id, parent->parent_id, parent->flags);
    if (tracestate_lines <= 1) {
      ctx.trace_state = parse_tracestate(std::span(&tracestate, static_cast<std::size_t>(tracestate_lines)));
    } else {
      std::vector<std::string_view> lines;  // rare: collected in a second pass
      visit_headers(carrier, [&](std::string_view name, std::string_view value) {
        if (header_name_equals(name, "tracestate")) lines.push_back(value);
      });
      ctx.trace_state = parse_tracestate(lines);
    }
  }

  template <WritableCarrier C>
  void inject(const SpanContext& ctx, C& carrier) const {
    if (!ctx.valid()) return;
    char traceparent[kTraceParentSize];
    format_traceparent(ctx.trace_id, ctx.span_id, ctx.flags, traceparent);
    set_header(carrier, "traceparent", std::string_view(traceparent, kTraceParentSize));
    if (ctx.trace_state) set_header(carrier, "tracestate", ctx.trace_state->header_value());
  }
};

}  // namespace zspan
