#include "trace/propagation/peer_whitelist.hpp"

#include <atomic>

#include "trace/diagnostics.hpp"
#include "trace/propagation/host_verdict_cache.hpp"

namespace zspan {

namespace {
constinit RateLimitedWarning g_invalid_pattern{"zspan: peer whitelist: invalid regular expression ignored"};
constinit RateLimitedWarning g_whitelist_failed{"zspan: peer whitelist: cannot be compiled, trusting no one"};
constinit RateLimitedWarning g_match_failed{"zspan: peer whitelist: match failed, peer untrusted"};

// Ids start at 1 (0 marks an empty cache slot) and, 64-bit, are never reused: a whitelist
// made where a destroyed one lived does not inherit its verdicts.
std::atomic<std::uint64_t> g_next_id{1};
constinit thread_local HostVerdictCache t_verdicts;

constexpr auto kSyntax = std::regex::ECMAScript | std::regex::icase | std::regex::nosubs;
}  // namespace

PeerWhitelist::PeerWhitelist(const std::vector<std::string>& patterns, WhenEmpty when_empty) noexcept
    : id_(g_next_id.fetch_add(1, std::memory_order_relaxed)) {
  trust_everyone_ = patterns.empty() && when_empty == WhenEmpty::kTrustEveryone;
  try {
    // Each pattern in its own group, so that "a|b" in one cannot escape into the others.
    std::string any_of;
    for (const std::string& pattern : patterns) {
      try {
        std::regex check(pattern, kSyntax);
      } catch (const std::regex_error& e) {
        g_invalid_pattern.emit("\"{}\": {}", pattern, e.what());
        continue;
      }
      any_of.append(valid_patterns_ ? "|(?:" : "(?:").append(pattern).append(")");
      ++valid_patterns_;
    }
    if (valid_patterns_) any_of_.emplace(any_of, kSyntax | std::regex::optimize);
  } catch (const std::exception& e) {
    valid_patterns_ = 0;
    any_of_.reset();
    g_whitelist_failed.emit("{}", e.what());
  }
}

Trust PeerWhitelist::trust(std::string_view host) const noexcept {
  if (trust_everyone_) return Trust::kTrusted;
  if (!any_of_ || host.size() > kMaxHostBytes) return Trust::kUntrusted;
  if (const std::optional<Trust> known = t_verdicts.find(id_, host)) return *known;
  try {
    const Trust verdict = std::regex_match(host.begin(), host.end(), *any_of_) ? Trust::kTrusted : Trust::kUntrusted;
    t_verdicts.remember(id_, host, verdict);
    return verdict;
  } catch (const std::exception& e) {
    // Not remembered: the failure (e.g. std::regex's complexity limit) is no verdict.
    g_match_failed.emit("{}", e.what());
    return Trust::kUntrusted;
  }
}

}  // namespace zspan
