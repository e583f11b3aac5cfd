// What propagation drops, counted by cause. Hostile or broken headers never reach the
// host as an exception; each drop is counted here and reported on stderr at most once
// per 10 s per cause (trace/diagnostics.hpp).
//
//   zspan::PropagationDrops d = zspan::propagation_drops();
//   metrics.set("traceparent_rejected", d.traceparent_rejected);
#pragma once

#include <cstdint>

#include "zspan/trace/diagnostics.hpp"

namespace zspan {

struct PropagationDrops {
  std::uint64_t traceparent_rejected = 0;   // malformed, version ff, or sent twice
  std::uint64_t tracestate_rejected = 0;    // malformed, or over 32 members
  std::uint64_t tracestate_duplicates = 0;  // tracestates passed on without their repeated keys' later members
  std::uint64_t baggage_dropped = 0;        // members malformed, or over the W3C limits on the way in or out
  std::uint64_t b3_rejected = 0;
  std::uint64_t jaeger_rejected = 0;
  std::uint64_t untrusted_peers = 0;        // contexts refused from, or withheld from, a peer
};

PropagationDrops propagation_drops() noexcept;

namespace detail {
extern RateLimitedWarning g_traceparent_rejected;
extern RateLimitedWarning g_tracestate_rejected;
extern RateLimitedWarning g_tracestate_duplicates;
extern RateLimitedWarning g_baggage_dropped;
extern RateLimitedWarning g_b3_rejected;
extern RateLimitedWarning g_jaeger_rejected;
extern RateLimitedWarning g_untrusted_peer;
}  // namespace detail

}  // namespace zspan
