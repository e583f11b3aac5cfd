// PeerWhitelist: the peers a trace context may come from and go to, as regular
// expressions of their names, like Synapse's `opentracing.homeserver_whitelist`.
//
//   zspan::PeerWhitelistResult r = zspan::PeerWhitelist::compile({R"(matrix\.org)", R"(.*\.example\.com)"});
//   if (!r.ok()) { std::fprintf(stderr, "%s\n", r.error.c_str()); return 1; }   // the entry, why, a fix
//   zspan::inject(headers, propagator, r.peers.trust("matrix.org"));     // injected
//   zspan::inject(headers, propagator, r.peers.trust("evil.net"));       // nothing sent
//
//   // ZSPAN_TRUSTED_PEERS='matrix\.org, .*\.example\.com, synapse-\d{1,3}\.internal:8448'
//   zspan::PeerWhitelistResult from_env = zspan::PeerWhitelist::from_env();
//
// The rules:
//  - Patterns are RE2 syntax (https://github.com/google/re2/wiki/Syntax): matching takes
//    time linear in the peer's length whatever the pattern and the input, so a hostile
//    peer name cannot stall a request. Case-insensitive, as DNS names are.
//  - A peer is what the HTTP layer knows: "host" or "host:port" (Matrix server names
//    carry ports; an IPv6 host is bracketed, "[::1]:8448"). It is trusted when one
//    pattern matches ALL of it, or, when it has a port, all of its host:
//      `matrix\.org`        trusts matrix.org and matrix.org:<any port>
//      `matrix\.org:8448`   trusts matrix.org:8448 only (not matrix.org, not :443)
//      `matrix\.org(:8448)?` trusts matrix.org and matrix.org:8448
//    `matrix\.org` trusts neither "evilmatrix.org" nor "matrix.org.evil.com". No default
//    port is assumed: "matrix.org" is not "matrix.org:8448".
//  - Every entry must be a valid pattern. The first that is not makes compile() fail with
//    an error that names it, says why and, for a glob like "*.myotherhomeservers.com",
//    suggests the regex meant (`.*\.myotherhomeservers\.com`). A failed compile gives a
//    whitelist that trusts no one: the caller must check ok() (never thrown at the host).
//  - An empty list trusts no one (as Synapse), or everyone with WhenEmpty::kTrustEveryone.
//  - ZSPAN_TRUSTED_PEERS (from_env): entries separated by commas, white space around them
//    ignored, empty entries skipped. A comma inside {m,n} or [...] (or escaped as \,)
//    belongs to its pattern. Unset or empty is the empty list.
//  - A peer longer than kMaxPeerBytes is untrusted without being matched.
//
// Verdicts are remembered per thread (trace/propagation/host_verdict_cache.hpp): a peer
// seen recently costs a hash and a compare, not a match. Copies share patterns and
// verdicts; a default-constructed whitelist trusts no one.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zspan/trace/propagation/trust.hpp"

namespace re2 {
class RE2;
}

namespace zspan {

struct PeerWhitelistResult;

class PeerWhitelist {
 public:
  enum class WhenEmpty { kTrustNoOne, kTrustEveryone };

  // RFC 1035 §2.3.4: a name is at most 255 octets; with a ":port" a little more.
  static constexpr std::size_t kMaxPeerBytes = 255 + 6;
  static constexpr std::string_view kEnvironmentVariable = "ZSPAN_TRUSTED_PEERS";

  PeerWhitelist() noexcept;  // trusts no one
  static PeerWhitelist everyone() noexcept;

  [[nodiscard]] static PeerWhitelistResult compile(std::span<const std::string> patterns,
                                                   WhenEmpty when_empty = WhenEmpty::kTrustNoOne) noexcept;
  [[nodiscard]] static PeerWhitelistResult compile(std::initializer_list<std::string> patterns,
                                                   WhenEmpty when_empty = WhenEmpty::kTrustNoOne) noexcept;
  // The patterns of ZSPAN_TRUSTED_PEERS, compiled.
  [[nodiscard]] static PeerWhitelistResult from_env(WhenEmpty when_empty = WhenEmpty::kTrustNoOne) noexcept;
  // Splits a ZSPAN_TRUSTED_PEERS value into its entries (the rules above).
  static std::vector<std::string> split_list(std::string_view list);

  // The whitelist of the last configure() (configure/configure.hpp: Config::trusted_peers,
  // ZSPAN_TRUSTED_PEERS), which the integrations of instrument/http use when given none;
  // before it, and when none is configured, every peer is trusted, as OpenTelemetry SDKs
  // do. A copy: configure() may replace it meanwhile.
  static PeerWhitelist configured() noexcept;
  static void install(PeerWhitelist peers) noexcept;

  Trust trust(std::string_view peer) const noexcept;
  std::size_t patterns() const noexcept { return patterns_; }

 private:
  bool matches(std::string_view peer) const noexcept;

  std::shared_ptr<const re2::RE2> any_of_;  // null: no pattern
  std::uint64_t id_;                        // the key of this instance's verdicts in the per-thread cache
  std::size_t patterns_ = 0;
  bool trust_everyone_ = false;
};

struct PeerWhitelistResult {
  PeerWhitelist peers;  // trusts no one unless ok()
  std::string error;    // empty when ok()

  bool ok() const noexcept { return error.empty(); }
};

// The regular expression a glob such as "*.example.com" stands for (".*\.example\.com"):
// what the error of an invalid entry suggests.
std::string glob_to_regex(std::string_view glob);

}  // namespace zspan
