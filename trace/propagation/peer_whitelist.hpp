// PeerWhitelist: the peers a trace context may come from and go to, as regular
// expressions of their host names, like Synapse's `opentracing.homeserver_whitelist`.
//
//   const zspan::PeerWhitelist peers({R"(matrix\.org)", R"(.*\.example\.com)"});
//   zspan::inject(headers, propagator, peers.trust("matrix.org"));     // injected
//   zspan::inject(headers, propagator, peers.trust("evil.net"));       // nothing sent
//
// A host is trusted when one pattern matches all of it (ECMAScript syntax, full match,
// case-insensitive as DNS names are): `matrix\.org` trusts neither "evilmatrix.org" nor
// "matrix.org.evil.com". The patterns are compiled once, at construction, into one
// alternation; an invalid pattern is reported and ignored. An empty list trusts no one
// by default (as Synapse), or everyone with WhenEmpty::kTrustEveryone; a list whose
// patterns are all invalid trusts no one either way.
//
// Verdicts are remembered per thread (trace/propagation/host_verdict_cache.hpp): a host
// seen recently costs a hash and a compare, not a regex match. Copies share verdicts, as
// they share patterns.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "trace/propagation/trust.hpp"

namespace zspan {

class PeerWhitelist {
 public:
  enum class WhenEmpty { kTrustNoOne, kTrustEveryone };

  explicit PeerWhitelist(const std::vector<std::string>& patterns, WhenEmpty when_empty = WhenEmpty::kTrustNoOne) noexcept;

  Trust trust(std::string_view host) const noexcept;
  std::size_t valid_patterns() const noexcept { return valid_patterns_; }

 private:
  // RFC 1035 §2.3.4: a name is at most 255 octets; with a ":port" a little more. Longer
  // input is untrusted without running the regex on it.
  static constexpr std::size_t kMaxHostBytes = 255 + 6;

  std::optional<std::regex> any_of_;
  std::uint64_t id_;  // the key of this instance's verdicts in the per-thread cache
  std::size_t valid_patterns_ = 0;
  bool trust_everyone_ = false;
};

}  // namespace zspan
