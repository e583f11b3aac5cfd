#include "trace/propagation/peer_whitelist.hpp"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace zspan
