// The environment and the peer names: OTEL_PROPAGATORS (line 1), OTEL_TRACES_SAMPLER and
// its argument (lines 2 and 3), a peer checked against a whitelist (line 4), and a
// ZSPAN_TRUSTED_PEERS list (line 5): compiled (RE2, hostile patterns included), and,
// when valid, asked about the peer.
#include "tests/fuzz/fuzz_input.hpp"
#include "zspan/trace/propagation/configured_propagator.hpp"
#include "zspan/trace/propagation/peer_whitelist.hpp"
#include "zspan/trace/sampler.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zspan;
  static const PeerWhitelist peers = PeerWhitelist::compile({R"(matrix\.org)", R"((.*\.)?example\.com(:\d+)?)"}).peers;
  std::vector<std::string_view> lines = fuzz::lines(fuzz::as_text(data, size));
  lines.resize(5);
  const ConfiguredPropagator propagator = ConfiguredPropagator::parse(lines[0]);
  fuzz::require(propagator.size() <= 5);
  ConfiguredSampler sampler = ConfiguredSampler::parse(lines[1], lines[2]);
  const double argument = sampler.argument();
  fuzz::require(argument >= 0.0 && argument <= 1e9);
  (void)sampler.should_sample({TraceId{1, 2}, nullptr, false, {}});
  (void)peers.trust(lines[3]);
  const PeerWhitelistResult listed = PeerWhitelist::compile(PeerWhitelist::split_list(lines[4]));
  fuzz::require(listed.ok() || listed.peers.trust(lines[3]) == Trust::kUntrusted);
  if (listed.ok()) (void)listed.peers.trust(lines[3]);
  return 0;
}
