#include "zspan/trace/propagation/drops.hpp"

namespace zspan {

namespace detail {
constinit RateLimitedWarning g_traceparent_rejected{"zspan: traceparent rejected, starting a new trace"};
constinit RateLimitedWarning g_tracestate_rejected{"zspan: tracestate rejected"};
constinit RateLimitedWarning g_tracestate_duplicates{"zspan: tracestate key repeated, keeping its first member"};
constinit RateLimitedWarning g_baggage_dropped{"zspan: baggage member dropped"};
constinit RateLimitedWarning g_b3_rejected{"zspan: b3 header rejected"};
constinit RateLimitedWarning g_jaeger_rejected{"zspan: uber-trace-id header rejected"};
constinit RateLimitedWarning g_untrusted_peer{"zspan: trace context from or to an untrusted peer ignored"};
}  // namespace detail

PropagationDrops propagation_drops() noexcept {
  return {detail::g_traceparent_rejected.count(), detail::g_tracestate_rejected.count(),
          detail::g_tracestate_duplicates.count(), detail::g_baggage_dropped.count(),
          detail::g_b3_rejected.count(),           detail::g_jaeger_rejected.count(),
          detail::g_untrusted_peer.count()};
}

}  // namespace zspan
