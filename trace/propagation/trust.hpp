// Trust: whether a peer may send us, or receive from us, a trace context and baggage.
// Decided by a PeerWhitelist (trace/propagation/peer_whitelist.hpp) or by the caller.
#pragma once

namespace zspan {

enum class Trust : bool { kUntrusted = false, kTrusted = true };

}  // namespace zspan
