#include "trace/propagation/peer_whitelist.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "trace/propagation/host_verdict_cache.hpp"

namespace zspan {
namespace {

TEST(PeerWhitelist, FullMatchOnly) {
  const PeerWhitelist peers({R"(matrix\.org)", R"(.*\.example\.com)"});
  EXPECT_EQ(peers.trust("matrix.org"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("MATRIX.org"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("a.example.com"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("evilmatrix.org"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org.evil.com"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("example.com"), Trust::kUntrusted);
  EXPECT_EQ(peers.trust(""), Trust::kUntrusted);
}

TEST(PeerWhitelist, AlternationsStayInsideTheirPattern) {
  const PeerWhitelist peers({"a|b", "c"});
  EXPECT_EQ(peers.trust("b"), Trust::kTrusted);
  EXPECT_EQ(peers.trust("bc"), Trust::kUntrusted);
}

TEST(PeerWhitelist, EmptyListIsASetting) {
  EXPECT_EQ(PeerWhitelist({}).trust("matrix.org"), Trust::kUntrusted);
  EXPECT_EQ(PeerWhitelist({}, PeerWhitelist::WhenEmpty::kTrustEveryone).trust("matrix.org"), Trust::kTrusted);
}

TEST(PeerWhitelist, InvalidPatternsAreIgnored) {
  const PeerWhitelist peers({"(unclosed", R"(ok\.net)"});
  EXPECT_EQ(peers.valid_patterns(), 1u);
  EXPECT_EQ(peers.trust("ok.net"), Trust::kTrusted);
  // Only invalid patterns: no one, even when an empty list would mean everyone.
  EXPECT_EQ(PeerWhitelist({"[", "("}, PeerWhitelist::WhenEmpty::kTrustEveryone).trust("x"), Trust::kUntrusted);
}

TEST(PeerWhitelist, OverlongHostsAreUntrusted) {
  const PeerWhitelist peers({".*"});
  EXPECT_EQ(peers.trust(std::string(300, 'a')), Trust::kUntrusted);
  EXPECT_EQ(peers.trust("matrix.org:8448"), Trust::kTrusted);
}

std::vector<std::string> sample_hosts() {
  std::vector<std::string> hosts{"matrix.org", "MATRIX.ORG", "evilmatrix.org", "a.example.com", "example.com",
                                 "synapse-12.internal", "synapse-.internal", ""};
  for (int i = 0; i < 300; ++i) hosts.push_back("h" + std::to_string(i) + (i % 3 ? ".example.com" : ".example.net"));
  hosts.push_back(std::string(HostVerdictCache::kMaxHostBytes, 'x') + ".example.com");  // too long to remember
  return hosts;
}

TEST(PeerWhitelist, RememberedVerdictsAreTheRegexVerdicts) {
  const std::vector<std::string> patterns{R"(matrix\.org)", R"(.*\.example\.com)", R"(synapse-\d+\.internal)"};
  const std::regex any_of(R"((?:matrix\.org)|(?:.*\.example\.com)|(?:synapse-\d+\.internal))", std::regex::icase);
  const PeerWhitelist peers(patterns);
  for (int round = 0; round < 3; ++round) {
    for (const std::string& host : sample_hosts()) {
      const Trust expected = std::regex_match(host, any_of) ? Trust::kTrusted : Trust::kUntrusted;
      ASSERT_EQ(peers.trust(host), expected) << host << " round " << round;
    }
  }
}

TEST(PeerWhitelist, InstancesDoNotShareVerdicts) {
  const PeerWhitelist matrix({R"(matrix\.org)"});
  const PeerWhitelist other({R"(other\.org)"});
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(matrix.trust("matrix.org"), Trust::kTrusted);
    EXPECT_EQ(other.trust("matrix.org"), Trust::kUntrusted);
  }
  // A whitelist made where a destroyed one lived starts with no verdicts.
  std::optional<PeerWhitelist> reused;
  reused.emplace(std::vector<std::string>{R"(matrix\.org)"});
  EXPECT_EQ(reused->trust("matrix.org"), Trust::kTrusted);
  reused.emplace(std::vector<std::string>{R"(other\.org)"});
  EXPECT_EQ(reused->trust("matrix.org"), Trust::kUntrusted);
  // An assigned whitelist takes the verdicts of its new patterns.
  PeerWhitelist assigned({R"(other\.org)"});
  EXPECT_EQ(assigned.trust("matrix.org"), Trust::kUntrusted);
  assigned = matrix;
  EXPECT_EQ(assigned.trust("matrix.org"), Trust::kTrusted);
}

TEST(PeerWhitelist, ThreadsGetTheSameVerdicts) {
  const PeerWhitelist peers({R"(.*\.example\.com)"});
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
