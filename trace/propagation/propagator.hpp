// Injecting the current context into outgoing headers, and extracting a context from
// incoming ones, in one call each.
//
//   std::map<std::string, std::string> headers;
//   zspan::inject(headers);                                   // W3C traceparent/tracestate/baggage
//   zspan::inject(headers, propagator, peers.trust(host));    // only to trusted peers
//   zspan::SpanContext remote = zspan::extract(request_headers, propagator);
//
// A propagator is any type with
//   template <ReadableCarrier C> void extract(const C&, SpanContext&) const;
//   template <WritableCarrier C> void inject(const SpanContext&, C&) const;
// chosen at compile time (TraceContextPropagator, Composite<...>) or at run time
// (ConfiguredPropagator::from_env()). These calls never throw: a carrier that fails to
// allocate loses the headers, not the request.
// To start a span under an extracted context in one call, see instrument/remote.hpp.
#pragma once

#include "zspan/trace/context.hpp"
#include "zspan/trace/propagation/carrier.hpp"
#include "zspan/trace/propagation/composite.hpp"
#include "zspan/trace/propagation/drops.hpp"
#include "zspan/trace/propagation/trace_context.hpp"
#include "zspan/trace/propagation/trust.hpp"
#include "zspan/trace/propagation/w3c_baggage.hpp"

namespace zspan {

// OpenTelemetry's default: OTEL_PROPAGATORS=tracecontext,baggage.
using DefaultPropagator = Composite<TraceContextPropagator, W3CBaggagePropagator>;

// Injects `ctx` (ids only when valid, baggage whenever present). A span that is not
// sampled shares its parent's span id in this process (the hot path mints none for it);
// what it sends downstream is a span id of its own, minted here, as W3C Trace Context
// and the OpenTelemetry propagators require of a non-recording span. Each inject of such
// a context mints a new one: nothing records them, so they need only be fresh.
template <WritableCarrier C, class P = DefaultPropagator>
void inject(const SpanContext& ctx, C& carrier, const P& propagator = {}, Trust peer = Trust::kTrusted) noexcept {
  if (peer == Trust::kUntrusted) return detail::g_untrusted_peer.emit("{}", "not injected");
  try {
    if (ctx.sampled() || !ctx.valid()) return propagator.inject(ctx, carrier);
    SpanContext own = ctx;
    own.span_id = SpanId::generate();
    propagator.inject(own, carrier);
  } catch (...) {
    // The carrier could not grow: the request goes out without trace headers.
  }
}

// Injects the current context of this thread.
template <WritableCarrier C, class P = DefaultPropagator>
void inject(C& carrier, const P& propagator = {}, Trust peer = Trust::kTrusted) noexcept {
  inject(current_context(), carrier, propagator, peer);
}

// The context the headers carry; not valid() when they carry none (baggage may still
// be set). From an untrusted peer, nothing is extracted.
template <ReadableCarrier C, class P = DefaultPropagator>
SpanContext extract(const C& carrier, const P& propagator = {}, Trust peer = Trust::kTrusted) noexcept {
  SpanContext ctx;
  if (peer == Trust::kUntrusted) return ctx;
  try {
    propagator.extract(carrier, ctx);
  } catch (...) {
    return SpanContext{};
  }
  return ctx;
}

}  // namespace zspan
