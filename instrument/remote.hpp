// Spans that cross processes: serving a request in one line, calling out in one line.
// (Bazel: depend on //instrument:remote.)
//
//   void handle(const Request& req) {
//     TRACE_SCOPE_FROM_REMOTE(tracer, "handle", req.headers, propagator);
//     // or, trusting only whitelisted peers (untrusted ones start a new trace):
//     TRACE_SCOPE_FROM_REMOTE(tracer, "handle", req.headers, propagator, peers.trust(req.peer_host));
//     ...
//     zspan::inject(call.headers, propagator, peers.trust(call.host));   // the client side
//   }
//
// The server span is current as soon as it starts, so TRACE_SCOPE spans under it and
// zspan::inject carry its ids. Under a valid remote context it continues that trace,
// and the tracer's sampler decides with has_remote_parent set (ParentBased honours the
// caller's sampled flag; a forced trace, B3 or Jaeger debug or ForceTracing around the
// server span, is recorded whatever the sampler says: instrument/force_tracing.hpp);
// without one it is a new root. Baggage is accepted from trusted peers even without ids.
// An untrusted peer's ids are kept only as a follows-from reference of the new root, for
// the curious.
#pragma once

#include "zspan/instrument/macros.hpp"
#include "zspan/instrument/scoped_span.hpp"
#include "zspan/trace/propagation/propagator.hpp"

namespace zspan {

// Makes a remote context the parent of spans started in its scope: pushes a
// Kind::kRemote node. Does nothing for an invalid context. For servers that start a
// movable Span (zspan::Span::start) under the caller's context.
class RemoteParentScope {
 public:
  explicit RemoteParentScope(const SpanContext& remote) noexcept : pushed_(remote.valid()) {
    if (!pushed_) return;
    // Under zspan::ForceTracing (a forced trace is current), the caller's trace is forced.
    const detail::ContextNode* enclosing = detail::tls_state.current;
    const bool forced = enclosing && enclosing->minted_holder().flags.forced();
    node_.init_remote(remote, forced ? remote.flags.with_forced() : remote.flags);
    detail::push(&node_);
  }
  ~RemoteParentScope() {
    if (pushed_) detail::pop(&node_);
  }
  RemoteParentScope(const RemoteParentScope&) = delete;
  RemoteParentScope& operator=(const RemoteParentScope&) = delete;

 private:
  detail::ContextNode node_;
  bool pushed_;
};

// A span that serves a request from another process: child of the context its headers
// carry (when `peer` is trusted), current until it ends with the scope. FieldBytes as
// BasicScopedSpan's.
template <unsigned FieldBytes>
class BasicServerSpan {
 public:
  template <class T, ReadableCarrier C, class P = DefaultPropagator>
  BasicServerSpan(T& tracer, const Callsite& callsite, const C& carrier, const P& propagator = {},
                  Trust peer = Trust::kTrusted) noexcept
      : BasicServerSpan(tracer, callsite, extract(carrier, propagator), peer) {}

  template <class T>
  BasicServerSpan(T& tracer, const Callsite& callsite, const SpanContext& remote, Trust peer) noexcept
      : parent_(peer == Trust::kTrusted ? remote : SpanContext{}), span_(tracer, callsite) {
    if (peer == Trust::kUntrusted) {
      if (!remote.valid() && !remote.baggage) return;
      detail::g_untrusted_peer.emit("{}", "new trace started");
      if (remote.valid()) span_.add_reference(Reference::kFollowsFrom, remote);
    } else if (!remote.valid() && remote.baggage) {
      span_.node().adopt_inherited_context();
      span_.node().baggage_to_change() = remote.baggage;
    }
  }

  BasicServerSpan(const BasicServerSpan&) = delete;
  BasicServerSpan& operator=(const BasicServerSpan&) = delete;

  SpanContext context() const noexcept { return span_.context(); }
  bool recording() const noexcept { return span_.recording(); }
  BasicScopedSpan<FieldBytes>& span() noexcept { return span_; }

 private:
  RemoteParentScope parent_;  // outlives span_: members end in reverse order
  BasicScopedSpan<FieldBytes> span_;
};

using ServerSpan = BasicServerSpan<kSpanFieldBytes>;

}  // namespace zspan

#define ZSPAN_SCOPE_FROM_REMOTE_IMPL(id, tracer, name, ...)                          \
  ZSPAN_CALLSITE(ZSPAN_CONCAT(zspan_callsite_, id), name, ::zspan::Level::kInfo); \
  ::zspan::ServerSpan ZSPAN_CONCAT(zspan_server_span_, id) { tracer, ZSPAN_CONCAT(zspan_callsite_, id), __VA_ARGS__ }

// TRACE_SCOPE_FROM_REMOTE(tracer, name, carrier[, propagator[, trust]])
#if ZSPAN_ENABLED
#define ZSPAN_SCOPE_FROM_REMOTE(tracer, name, ...) ZSPAN_SCOPE_FROM_REMOTE_IMPL(__COUNTER__, tracer, name, __VA_ARGS__)
#else
#define ZSPAN_SCOPE_FROM_REMOTE(tracer, name, ...) ZSPAN_DISCARD(tracer, name, __VA_ARGS__)
#endif

#ifndef ZSPAN_NO_SHORT_MACROS
#define TRACE_SCOPE_FROM_REMOTE(tracer, name, ...) ZSPAN_SCOPE_FROM_REMOTE(tracer, name, __VA_ARGS__)
#endif
