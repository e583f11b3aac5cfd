#include "zspan/trace/propagation/peer_whitelist.hpp"

#include <re2/re2.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include <fmt/format.h>

#include "zspan/trace/propagation/host_verdict_cache.hpp"
#include "zspan/trace/internal/text.hpp"

namespace zspan {

namespace {
// Ids start at 1 (0 marks an empty cache slot) and, 64-bit, are never reused: a whitelist
// made where a destroyed one lived does not inherit its verdicts.
std::atomic<std::uint64_t> g_next_id{1};
constinit thread_local HostVerdictCache t_verdicts;

RE2::Options pattern_options() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_never_capture(true);
  return options;
}

// "host:port" -> "host"; the peer itself when it has no port (IPv6 hosts are bracketed).
std::string_view host_of(std::string_view peer) noexcept {
  const std::size_t colon = peer.rfind(':');
  if (colon == std::string_view::npos) return peer;
  const std::string_view port = peer.substr(colon + 1);
  if (port.empty() || port.size() > 5) return peer;
  for (char c : port)
    if (c < '0' || c > '9') return peer;
  const std::string_view host = peer.substr(0, colon);
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (!bracketed && host.find(':') != std::string_view::npos) return peer;  // bare IPv6, no port
  return host;
}

}  // namespace

std::string glob_to_regex(std::string_view glob) {
  std::string regex;
  for (char c : glob) {
    if (c == '*') regex += ".*";
    else if (c == '?') regex += '.';
    else if (c == '.') regex += "\\.";
    else regex += c;
  }
  return regex;
}

PeerWhitelist::PeerWhitelist() noexcept : id_(g_next_id.fetch_add(1, std::memory_order_relaxed)) {}

PeerWhitelistResult PeerWhitelist::compile(std::initializer_list<std::string> patterns, WhenEmpty when_empty) noexcept {
  return compile(std::span(patterns.begin(), patterns.size()), when_empty);
}

PeerWhitelistResult PeerWhitelist::compile(std::span<const std::string> patterns, WhenEmpty when_empty) noexcept {
  PeerWhitelistResult result;
  try {
    const RE2::Options options = pattern_options();
    // Each pattern in its own group, so that "a|b" in one cannot escape into the others.
    std::string any_of;
    for (const std::string& pattern : patterns) {
      const RE2 check(pattern, options);
      if (!check.ok()) {
        result.error = fmt::format("zspan: trusted peers: \"{}\" is not a regular expression ({})", pattern, check.error());
        const std::string suggestion = glob_to_regex(pattern);
        if (suggestion != pattern && RE2(suggestion, options).ok())
          result.error += fmt::format("; for a host name pattern, write \"{}\"", suggestion);
        return result;
      }
      any_of.append(any_of.empty() ? "(?:" : "|(?:").append(pattern).append(")");
    }
    PeerWhitelist& peers = result.peers;
    peers.trust_everyone_ = patterns.empty() && when_empty == WhenEmpty::kTrustEveryone;
    if (patterns.empty()) return result;
    auto compiled = std::make_shared<const RE2>(any_of, options);
    if (!compiled->ok()) {  // each pattern alone is valid: only a resource limit gets here
      result.error = fmt::format("zspan: trusted peers: the {} patterns together cannot be compiled ({})",
                                 patterns.size(), compiled->error());
      return result;
    }
    peers.any_of_ = std::move(compiled);
    peers.patterns_ = patterns.size();
  } catch (const std::exception& e) {
    result.peers = PeerWhitelist();
    result.error = std::string("zspan: trusted peers: cannot be compiled: ") + e.what();
  }
  return result;
}

std::vector<std::string> PeerWhitelist::split_list(std::string_view list) {
  std::vector<std::string> entries;
  std::size_t start = 0;
  int braces = 0;
  bool in_class = false;
  const auto take = [&](std::size_t end) {
    const std::string_view entry = detail::trim_ows(list.substr(start, end - start));
    if (!entry.empty()) entries.emplace_back(entry);
    start = end + 1;
  };
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    if (c == '\\') ++i;  // the escaped character is the pattern's
    else if (in_class) in_class = c != ']';
    else if (c == '[') in_class = true;
    else if (c == '{') ++braces;
    else if (c == '}' && braces > 0) --braces;
    else if (c == ',' && braces == 0) take(i);
  }
  take(list.size());
  return entries;
}

PeerWhitelistResult PeerWhitelist::from_env(WhenEmpty when_empty) noexcept {
  const char* value = std::getenv(kEnvironmentVariable.data());
  try {
    const std::vector<std::string> patterns = split_list(value ? value : "");
    PeerWhitelistResult result = compile(patterns, when_empty);
    if (!result.ok()) result.error.insert(0, fmt::format("{}: ", kEnvironmentVariable));
    return result;
  } catch (const std::exception& e) {
    return {PeerWhitelist(), fmt::format("{}: {}", kEnvironmentVariable, e.what())};
  }
}

namespace {
struct Configured {
  std::mutex mutex;
  PeerWhitelist peers = PeerWhitelist::everyone();
};
Configured& configured_peers() noexcept {
  static auto* configured = new Configured;  // never freed: read until the process ends
  return *configured;
}
}  // namespace

PeerWhitelist PeerWhitelist::everyone() noexcept {
  PeerWhitelist peers;
  peers.trust_everyone_ = true;
  return peers;
}

PeerWhitelist PeerWhitelist::configured() noexcept {
  Configured& c = configured_peers();
  const std::lock_guard lock(c.mutex);
  return c.peers;
}

void PeerWhitelist::install(PeerWhitelist peers) noexcept {
  Configured& c = configured_peers();
  const std::lock_guard lock(c.mutex);
  c.peers = std::move(peers);
}

bool PeerWhitelist::matches(std::string_view peer) const noexcept {
  if (RE2::FullMatch(peer, *any_of_)) return true;
  const std::string_view host = host_of(peer);
  return host.size() != peer.size() && RE2::FullMatch(host, *any_of_);
}

Trust PeerWhitelist::trust(std::string_view peer) const noexcept {
  if (trust_everyone_) return Trust::kTrusted;
  if (!any_of_ || peer.size() > kMaxPeerBytes) return Trust::kUntrusted;
  if (const std::optional<Trust> known = t_verdicts.find(id_, peer)) return *known;
  const Trust verdict = matches(peer) ? Trust::kTrusted : Trust::kUntrusted;
  t_verdicts.remember(id_, peer, verdict);
  return verdict;
}

}  // namespace zspan
