#include "zspan/trace/propagation/peer_whitelist.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "zspan/trace/propagation/host_verdict_cache.hpp"

namespace zspan {
namespace {

PeerWhitelist compiled(std::initializer_list<std::string> patterns,
                       PeerWhitelist::WhenEmpty when_empty = PeerWhitelist::WhenEmpty::kTrustNoOne) {
  PeerWhitelistResult r = PeerWhitelist::compile(patterns, when_empty);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.peers;
}

TEST(PeerWhitelist, FullMatchOnly) {
  const PeerWhitelist peers = compiled({R"(matrix\.org)", R"(.*\.example\.com)"});
  EXPECT_EQ(peers.patterns(), 2u);
  EXPECT_EQ(peers.trust("matrix.org"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("MATRIX.org"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("a.example.com"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("evilmatrix.org"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org.evil.com"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("example.com"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust(""), Trust::kUntrusted);
}

TEST(PeerWhitelist, AlternationsStayInsideTheirPattern) {
  const PeerWhitelist peers = compiled({"a|b", "c"});
  EXPECT_EQ(peers.trust("b"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("bc"), Trust::kUntrusted);
}

TEST(PeerWhitelist, EmptyListIsASetting) {
  EXPECT_EQ(compiled({}).trust("matrix.org"), Trust::kUntrusted);
  EXPECT_EQ(compiled({}, PeerWhitelist::WhenEmpty::kTrustEveryone).trust("matrix.org"), Trust::kTrusted);
  EXPECT_EQ(PeerWhitelist().trust("matrix.org"), Trust::kUntrusted);
}

// Synapse's own example entry is a glob, not a regex: an error naming it, with the fix.
TEST(PeerWhitelist, AnInvalidEntryIsAnErrorThatSuggestsTheRegex) {
  const PeerWhitelistResult r =
      PeerWhitelist::compile({R"(matrix\.org)", "*.myotherhomeservers.com"}, PeerWhitelist::WhenEmpty::kTrustEveryone);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("\"*.myotherhomeservers.com\""), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(R"(".*\.myotherhomeservers\.com")"), std::string::npos) << r.error;
  // The failed whitelist trusts no one, not even the valid entries' hosts.
  EXPECT_EQ(r.peers.trust("matrix.org"), Trust::kUntrusted);
  EXPECT_EQ(r.peers.trust("a.myotherhomeservers.com"), Trust::kUntrusted);
  // Not a glob either: the error names it, without a suggestion.
  const PeerWhitelistResult unclosed = PeerWhitelist::compile({"(unclosed"});
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.error.find("\"(unclosed\""), std::string::npos) << unclosed.error;
  EXPECT_EQ(unclosed.error.find("write"), std::string::npos) << unclosed.error;
}

TEST(PeerWhitelist, GlobToRegex) {
  EXPECT_EQ(glob_to_regex("*.myotherhomeservers.com"), R"(.*\.myotherhomeservers\.com)");
  EXPECT_EQ(glob_to_regex("synapse-?.internal"), R"(synapse-.\.internal)");
}

// A pattern without a port trusts the host on any port; one with a port, that port only.
TEST(PeerWhitelist, HostAndHostPort) {
  const PeerWhitelist peers = compiled({R"(matrix\.org)", R"(synapse\.internal:8448)", R"(\[::1\])", "10\\.0\\.0\\.1"});
  EXPECT_EQ(peers.trust("matrix.org"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("matrix.org:8448"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("matrix.org:443"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("synapse.internal:8448"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("synapse.internal"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("synapse.internal:443"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("[::1]:8448"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("10.0.0.1:80"), Trust::kTrusted);
  // Not a port: the peer is matched as given only.
  EXPECT_EQ(peers.trust("matrix.org:"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org:84a8"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org:123456"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org:8448:1"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("evilmatrix.org:8448"), Trust::kUntrusted);
  // A pattern with an optional port trusts both forms.
  const PeerWhitelist either = compiled({R"(matrix\.org(:8448)?)"});
  EXPECT_EQ(either.trust("matrix.org"), Trust::kTrusted);
  EXPECT_EQ(either.trust("matrix.org:8448"), Trust::kTrusted);
  EXPECT_EQ(either.trust("matrix.org:443"), Trust::kTrusted);  // its host alone matches
}

TEST(PeerWhitelist, OverlongPeersAreUntrusted) {
  const PeerWhitelist peers = compiled({".*"});
  EXPECT_EQ(peers.trust(std::string(PeerWhitelist::kMaxPeerBytes + 1, 'a')), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org:8448"), Trust::kTrusted);
}

// RE2 runs in linear time: the classic catastrophic-backtracking pattern on a hostile
// peer name answers at once (std::regex needed seconds, or overflowed its stack).
TEST(PeerWhitelist, LinearTimeOnHostileInput) {
  const PeerWhitelist peers = compiled({"(a+)+b", "(a|aa)*c"});
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(peers.trust(std::string(200 + i, 'a') + "!"), Trust::kUntrusted);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(PeerWhitelist, ListSplitsOnCommasOutsideBracesAndClasses) {
  using V = std::vector<std::string>;
  EXPECT_EQ(PeerWhitelist::split_list(""), V{});
  EXPECT_EQ(PeerWhitelist::split_list(" , ,"), V{});
  EXPECT_EQ(PeerWhitelist::split_list(R"(matrix\.org, .*\.example\.com ,synapse-\d{1,3}\.internal:8448)"),
            (V{R"(matrix\.org)", R"(.*\.example\.com)", R"(synapse-\d{1,3}\.internal:8448)"}));
  EXPECT_EQ(PeerWhitelist::split_list(R"([a,b]\.org,c\,d)"), (V{R"([a,b]\.org)", R"(c\,d)"}));
}

TEST(PeerWhitelist, FromTheEnvironment) {
  ::setenv("ZSPAN_TRUSTED_PEERS", R"(matrix\.org, synapse-\d{1,3}\.internal)", 1);
  PeerWhitelistResult r = PeerWhitelist::from_env();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.peers.patterns(), 2u);
  EXPECT_EQ(r.peers.trust("matrix.org:8448"), Trust::kTrusted);
  EXPECT_EQ(r.peers.trust("synapse-12.internal"), Trust::kTrusted);
  EXPECT_EQ(r.peers.trust("synapse-1234.internal"), Trust::kUntrusted);

  ::setenv("ZSPAN_TRUSTED_PEERS", "matrix.org,*.myotherhomeservers.com", 1);
  r = PeerWhitelist::from_env();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.rfind("ZSPAN_TRUSTED_PEERS: ", 0), 0u) << r.error;
  EXPECT_NE(r.error.find(R"(.*\.myotherhomeservers\.com)"), std::string::npos) << r.error;

  ::unsetenv("ZSPAN_TRUSTED_PEERS");
  r = PeerWhitelist::from_env(PeerWhitelist::WhenEmpty::kTrustEveryone);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.peers.trust("anyone"), Trust::kTrusted);
}

std::vector<std::string> sample_hosts() {
  std::vector<std::string> hosts{"matrix.org", "MATRIX.ORG", "evilmatrix.org", "a.example.com", "example.com",
                                 "synapse-12.internal", "synapse-.internal", ""};
  for (int i = 0; i < 300; ++i) hosts.push_back("h" + std::to_string(i) + (i % 3 ? ".example.com" : ".example.net"));
  hosts.push_back(std::string(HostVerdictCache::kMaxHostBytes, 'x') + ".example.com");  // too long to remember
  return hosts;
}

TEST(PeerWhitelist, RememberedVerdictsAreThePatternsVerdicts) {
  const std::vector<std::string> patterns{R"(matrix\.org)", R"(.*\.example\.com)", R"(synapse-\d+\.internal)"};
  // The patterns, written out by hand.
  const auto expected_trust = [](std::string host) {
    for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (host == "matrix.org") return true;
    if (host.size() > 12 && host.ends_with(".example.com")) return true;
    constexpr std::string_view kPrefix = "synapse-", kSuffix = ".internal";
    if (!host.starts_with(kPrefix) || !host.ends_with(kSuffix)) return false;
    const std::string digits = host.substr(kPrefix.size(), host.size() - kPrefix.size() - kSuffix.size());
    return !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos;
  };
  const PeerWhitelist peers = PeerWhitelist::compile(patterns).peers;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& host : sample_hosts()) {
      const Trust expected = expected_trust(host) ? Trust::kTrusted : Trust::kUntrusted;
      ASSERT_EQ(peers.trust(host), expected) << host << " round " << round;
    }
  }
}

TEST(PeerWhitelist, InstancesDoNotShareVerdicts) {
  const PeerWhitelist matrix = compiled({R"(matrix\.org)"});
  const PeerWhitelist other = compiled({R"(other\.org)"});
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(matrix.trust("matrix.org"), Trust::kTrusted);
    EXPECT_EQ(other.trust("matrix.org"), Trust::kUntrusted);
  }
  // A whitelist made where a destroyed one lived starts with no verdicts.
  std::optional<PeerWhitelist> reused;
  reused.emplace(compiled({R"(matrix\.org)"}));
  EXPECT_EQ(reused->trust("matrix.org"), Trust::kTrusted);
  reused.emplace(compiled({R"(other\.org)"}));
  EXPECT_EQ(reused->trust("matrix.org"), Trust::kUntrusted);
  // An assigned whitelist takes the verdicts of its new patterns.
  PeerWhitelist assigned = compiled({R"(other\.org)"});
  EXPECT_EQ(assigned.trust("matrix.org"), Trust::kUntrusted);
  assigned = matrix;
  EXPECT_EQ(assigned.trust("matrix.org"), Trust::kTrusted);
}

TEST(PeerWhitelist, ThreadsGetTheSameVerdicts) {
  const PeerWhitelist peers = compiled({R"(.*\.example\.com)"});
  const std::vector<std::string> hosts = sample_hosts();
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round)
        for (const std::string& host : hosts) {
          const bool trusted = host.ends_with(".example.com") && host != ".example.com";
          wrong[t] += peers.trust(host) != (trusted ? Trust::kTrusted : Trust::kUntrusted);
        }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(HostVerdictCache, FindsWhatItRemembersForTheSameOwnerOnly) {
  HostVerdictCache cache;
  EXPECT_EQ(cache.find(1, "matrix.org"), std::nullopt);
  cache.remember(1, "matrix.org", Trust::kTrusted);
  EXPECT_EQ(cache.find(1, "matrix.org"), Trust::kTrusted);
  EXPECT_EQ(cache.find(2, "matrix.org"), std::nullopt);
  EXPECT_EQ(cache.find(1, "matrix.or"), std::nullopt);
  EXPECT_EQ(cache.find(1, "MATRIX.ORG"), std::nullopt);  // case folding is the regex's job
  cache.remember(1, "matrix.org", Trust::kUntrusted);
  EXPECT_EQ(cache.find(1, "matrix.org"), Trust::kUntrusted);
}

TEST(HostVerdictCache, LongNamesAreNotRemembered) {
  HostVerdictCache cache;
  const std::string longest(HostVerdictCache::kMaxHostBytes, 'a');
  cache.remember(1, longest, Trust::kTrusted);
  EXPECT_EQ(cache.find(1, longest), Trust::kTrusted);
  cache.remember(1, longest + "a", Trust::kTrusted);
  EXPECT_EQ(cache.find(1, longest + "a"), std::nullopt);
}

TEST(HostVerdictCache, EvictsButNeverAnswersWrong) {
  HostVerdictCache cache;
  const auto verdict_of = [](int i) { return i % 2 ? Trust::kTrusted : Trust::kUntrusted; };
  constexpr int kHosts = 10 * static_cast<int>(HostVerdictCache::kSlots);
  for (int i = 0; i < kHosts; ++i) cache.remember(1, "host" + std::to_string(i), verdict_of(i));
  int remembered = 0;
  for (int i = 0; i < kHosts; ++i) {
    const std::optional<Trust> found = cache.find(1, "host" + std::to_string(i));
    if (!found) continue;
    ++remembered;
    EXPECT_EQ(*found, verdict_of(i)) << i;
  }
  EXPECT_GT(remembered, 0);
  EXPECT_LE(remembered, static_cast<int>(HostVerdictCache::kSlots));
  // The most recent host is always there: it evicted whatever shared its slot.
  EXPECT_EQ(cache.find(1, "host" + std::to_string(kHosts - 1)), verdict_of(kHosts - 1));
}

}  // namespace
}  // namespace zspan
