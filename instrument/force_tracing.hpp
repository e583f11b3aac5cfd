// ForceTracing: traces recorded whatever the sampler says, as Synapse forces the traces
// of the users listed in its configuration.
//
//   void handle(const Request& req) {
//     zspan::ForceTracing force(is_listed(req.user));   // or ForceTracing force; (always on)
//     TRACE_SCOPE_FROM_REMOTE(tracer, "handle", req.headers, propagator);
//     ...                                               // this request's spans are recorded
//   }
//
// The rules:
//  - Spans started on this thread while it lives (its scope, like a span guard's) are
//    recorded, and so are their children: the trace is forced (TraceFlags::kForced).
//  - They continue the current trace when there is one (a server span started in the
//    scope continues its caller's trace), or start a new trace when there is none: its
//    roots belong to the tracer given here, else to the current span's, else to the
//    default tracer (a span started with a tracer of its own keeps that one).
//  - A forced trace says so downstream as a debug trace (B3 `d` / X-B3-Flags: 1, Jaeger
//    flag 0x2; W3C has no such flag and sends it as sampled), and exporters see it as
//    SpanView::forced() (Jaeger's debug flag).
//  - Traces forced upstream (B3 or Jaeger debug) are forced here without it.
//  - Not movable; it ends with its scope, before the spans started in it are left (as a
//    span guard). ForceTracing(false) does nothing, so the decision fits in one line.
//  - Compiled out (ZSPAN_DISABLED), it does nothing, and needs no zspan library.
#pragma once

#include "zspan/instrument/config.hpp"
#include "zspan/trace/context.hpp"
#include "zspan/trace/tracer.hpp"

namespace zspan {

#if !ZSPAN_ENABLED
class ForceTracing {
 public:
  explicit ForceTracing(bool = true) noexcept {}
  explicit ForceTracing(TracerBase&, bool = true) noexcept {}
  ForceTracing(const ForceTracing&) = delete;
  ForceTracing& operator=(const ForceTracing&) = delete;
};
#else
class ForceTracing {
 public:
  explicit ForceTracing(bool on = true) noexcept : ForceTracing(nullptr, on) {}
  explicit ForceTracing(TracerBase& tracer, bool on = true) noexcept : ForceTracing(&tracer, on) {}
  ~ForceTracing() {
    if (pushed_) detail::pop(&node_);
  }
  ForceTracing(const ForceTracing&) = delete;
  ForceTracing& operator=(const ForceTracing&) = delete;

 private:
  // A node that spans started under it take as their parent, as a captured context: it
  // records nothing, and passes on the current span's ids (or a new trace id) forced.
  ForceTracing(TracerBase* tracer, bool on) noexcept : pushed_(on) {
    if (!on) return;
    const detail::ContextNode* current = detail::tls_state.current;
    if (current) {
      const detail::ContextNode& holder = current->minted_holder();  // a lazy sampled-out span's context
      // A remote parent stays remote: a span under it is the local root of its trace.
      node_.init_copy_of(
          holder, holder.kind() == detail::ContextNode::Kind::kRemote ? detail::ContextNode::Kind::kRemote : detail::ContextNode::Kind::kCaptured,
          nullptr);
      node_.flags = holder.flags.with_forced();
    } else {
      node_.init_trace_start(TraceId::generate(), TraceFlags{TraceFlags::kRandom}.with_forced());
    }
    if (tracer) {
      node_.record.tracer = tracer->slot();
    } else if (!current || !current->recording()) {
      TracerBase* fallback = default_tracer();
      node_.record.tracer = fallback ? fallback->slot() : detail::kNoSinkSlot;
    }
    detail::push(&node_);
  }

  detail::ContextNode node_{};  // owner null: fields written while it is current are dropped
  bool pushed_;
};
#endif

}  // namespace zspan
