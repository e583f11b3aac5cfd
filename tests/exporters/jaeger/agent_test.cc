// JaegerAgentExporter against a real UDP socket on 127.0.0.1: every datagram decoded with
// Apache Thrift as the agent would (a oneway emitBatch call, compact or binary), the golden
// trace compared field by field, batches split under the packet limit with no span lost or
// doubled, and spans too big for a datagram trimmed (tags, then logs) or rejected, counted.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>

#include "zspan/exporters/jaeger/jaeger_agent_exporter.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/jaeger/jaeger_test_support.hpp"
#include "tests/exporters/jaeger/udp_receiver.hpp"

namespace zspan::testing {
namespace {

using jaeger::Protocol;

JaegerAgentExporter::Options options_for(const UdpReceiver& receiver, Protocol protocol,
                                         std::size_t max_packet_size = JaegerAgentExporter::kMaxPacketSize) {
  JaegerAgentExporter::Options o;
  o.host = "127.0.0.1";
  o.port = receiver.port();
  o.protocol = protocol;
  o.max_packet_size = max_packet_size;
  return o;
}

// Golden spans by index, `copies` times over: a batch of them, with the golden clock.
class Spans {
 public:
  Spans(std::initializer_list<std::size_t> indices, std::size_t copies = 1) {
    const auto golden = GoldenTrace::get().batch();
    for (std::size_t c = 0; c < copies; ++c)
      for (std::size_t i : indices) spans_.push_back({&(*golden)[i].record(), (*golden)[i].service()});
  }
  SpanBatch batch() const { return SpanBatch(spans_, GoldenTrace::get().clock()); }

 private:
  std::vector<BatchedSpan> spans_;
};

// What a datagram of `spans` takes besides them: the emitBatch call, the Batch and Process,
// the largest list header (as the exporter reserves it), the stops.
std::size_t overhead(Protocol protocol, const std::string& service) {
  jaeger::Encoder encoder(protocol);
  std::string head;
  encoder.append_batch_head(jaeger::Envelope::kEmitBatch, encoder.process(service), UINT32_MAX, -1, head);
  return head.size() + jaeger::Encoder::batch_tail(jaeger::Envelope::kEmitBatch).size();
}

std::size_t span_size(Protocol protocol, std::size_t golden_index, jaeger::Trim trim) {
  jaeger::Encoder encoder(protocol);
  std::string out;
  encoder.append_span((*GoldenTrace::get().batch())[golden_index], out, trim);
  return out.size();
}

class AgentUdp : public ::testing::TestWithParam<Protocol> {};

TEST_P(AgentUdp, GoldenTraceArrivesWhole) {
  UdpReceiver receiver;
  JaegerAgentExporter exporter(options_for(receiver, GetParam()));
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 0u);
  const auto datagrams = receiver.datagrams();
  ASSERT_EQ(datagrams.size(), 2u);  // one Batch per service
  EXPECT_EQ(exporter.stats().datagrams, 2u);
  const std::vector<std::string> messages = {"", "", "upstream returned 503", "", "", "", ""};
  const std::vector<std::string> services = {"frontend", "backend"};
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(services[i]);
    const jt::Batch got = decode_emit_batch(datagrams[i], GetParam());
    const jt::Batch want = expected_batch(GoldenTrace::get().expected(), messages, services[i]);
    EXPECT_EQ(got.process, want.process);
    ASSERT_EQ(got.spans.size(), want.spans.size());
    for (std::size_t s = 0; s < want.spans.size(); ++s) EXPECT_EQ(got.spans[s], want.spans[s]);
  }
}

TEST_P(AgentUdp, ManySpansSplitIntoDatagramsOfAtMost65000Bytes) {
  UdpReceiver receiver;
  JaegerAgentExporter exporter(options_for(receiver, GetParam()));
  const Spans spans({0, 1, 2, 3, 4, 5}, 150);  // 900 spans: 750 frontend, 150 backend
  const ExportResult result = exporter.export_batch(spans.batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 0u);

  const auto datagrams = receiver.datagrams();
  EXPECT_GT(datagrams.size(), 3u);
  EXPECT_EQ(exporter.stats().datagrams, datagrams.size());
  std::map<std::string, std::vector<std::int64_t>> ids;  // span ids by service, in arrival order
  std::size_t largest = 0;
  for (const std::string& d : datagrams) {
    EXPECT_LE(d.size(), 65000u);
    largest = std::max(largest, d.size());
    const jt::Batch batch = decode_emit_batch(d, GetParam());
    for (const jt::Span& s : batch.spans) ids[batch.process.serviceName].push_back(s.spanId);
  }
  EXPECT_GT(largest, 60000u);  // datagrams are filled, not sent a few spans at a time
  ASSERT_EQ(ids["frontend"].size(), 750u);
  ASSERT_EQ(ids["backend"].size(), 150u);
  const std::vector<std::int64_t> frontend_cycle = {0x00f067aa0ba902b7, 0x1000000000000001, 0x3000000000000003,
                                                    0x4000000000000004, 0x6000000000000006};
  for (std::size_t i = 0; i < 750; ++i) EXPECT_EQ(ids["frontend"][i], frontend_cycle[i % 5]) << i;
  for (std::int64_t id : ids["backend"]) EXPECT_EQ(id, 0x2000000000000002);
}

TEST_P(AgentUdp, SmallPacketsHoldWhatFits) {
  UdpReceiver receiver;
  const std::size_t limit = overhead(GetParam(), "frontend") + 2 * span_size(GetParam(), 1, {});
  JaegerAgentExporter exporter(options_for(receiver, GetParam(), limit));
  const Spans spans({1}, 7);  // "authenticate", 7 times: 2 + 2 + 2 + 1
  EXPECT_EQ(exporter.export_batch(spans.batch()).rejected, 0u);
  const auto datagrams = receiver.datagrams();
  ASSERT_EQ(datagrams.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_LE(datagrams[i].size(), limit);
    const jt::Batch batch = decode_emit_batch(datagrams[i], GetParam());
    EXPECT_EQ(batch.spans.size(), i < 3 ? 2u : 1u);
    for (const jt::Span& s : batch.spans) EXPECT_EQ(s, expected_span(GoldenTrace::get().expected()[1], ""));
  }
  EXPECT_EQ(exporter.stats().spans_trimmed, 0u);
}

TEST_P(AgentUdp, ASpanTooBigAloneLosesItsLastTagsFirst) {
  UdpReceiver receiver;
  // Room for "authenticate" with its first 3 attributes of 11.
  const std::size_t limit = overhead(GetParam(), "frontend") + span_size(GetParam(), 1, {.tags = 3});
  JaegerAgentExporter exporter(options_for(receiver, GetParam(), limit));
  const Spans spans({1});
  const ExportResult result = exporter.export_batch(spans.batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 0u);
  const auto datagrams = receiver.datagrams();
  ASSERT_EQ(datagrams.size(), 1u);
  EXPECT_LE(datagrams[0].size(), limit);
  const jt::Batch batch = decode_emit_batch(datagrams[0], GetParam());
  ASSERT_EQ(batch.spans.size(), 1u);
  EXPECT_EQ(batch.spans[0], expected_span(GoldenTrace::get().expected()[1], "", 3));
  EXPECT_EQ(batch.spans[0].tags.back(), long_tag("otel.dropped_attributes_count", 8));
  const JaegerAgentExporter::Stats stats = exporter.stats();
  EXPECT_EQ(stats.spans_trimmed, 1u);
  EXPECT_EQ(stats.tags_trimmed, 8u);
  EXPECT_EQ(stats.logs_trimmed, 0u);
}

TEST_P(AgentUdp, ThenItsLogs) {
  UdpReceiver receiver;
  // Room for "GET /users" without any of its 3 attributes and its log.
  const std::size_t limit = overhead(GetParam(), "frontend") + span_size(GetParam(), 0, {.tags = 0, .logs = 0});
  JaegerAgentExporter exporter(options_for(receiver, GetParam(), limit));
  const Spans spans({0});
  EXPECT_EQ(exporter.export_batch(spans.batch()).rejected, 0u);
  const auto datagrams = receiver.datagrams();
  ASSERT_EQ(datagrams.size(), 1u);
  const jt::Batch batch = decode_emit_batch(datagrams[0], GetParam());
  ASSERT_EQ(batch.spans.size(), 1u);
  EXPECT_EQ(batch.spans[0], expected_span(GoldenTrace::get().expected()[0], "", 0, 0));
  EXPECT_FALSE(batch.spans[0].__isset.logs);
  const JaegerAgentExporter::Stats stats = exporter.stats();
  EXPECT_EQ(stats.spans_trimmed, 1u);
  EXPECT_EQ(stats.tags_trimmed, 3u);
  EXPECT_EQ(stats.logs_trimmed, 1u);
}

TEST_P(AgentUdp, ASpanThatCannotFitIsRejectedAndTheOthersGo) {
  UdpReceiver receiver;
  // One byte short of "GET /users" stripped; "send email" (no attributes, no logs) fits.
  const std::size_t limit = overhead(GetParam(), "frontend") + span_size(GetParam(), 0, {.tags = 0, .logs = 0}) - 1;
  ASSERT_LE(span_size(GetParam(), 3, {}), limit - overhead(GetParam(), "frontend"));
  JaegerAgentExporter exporter(options_for(receiver, GetParam(), limit));
  const Spans spans({0, 3});
  const ExportResult result = exporter.export_batch(spans.batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 1u);
  const auto datagrams = receiver.datagrams();
  ASSERT_EQ(datagrams.size(), 1u);
  const jt::Batch batch = decode_emit_batch(datagrams[0], GetParam());
  ASSERT_EQ(batch.spans.size(), 1u);
  EXPECT_EQ(batch.spans[0], expected_span(GoldenTrace::get().expected()[3], ""));
  EXPECT_EQ(exporter.stats().spans_too_big, 1u);
  EXPECT_EQ(exporter.stats().spans_trimmed, 0u);
}

INSTANTIATE_TEST_SUITE_P(Protocols, AgentUdp, ::testing::Values(Protocol::kCompact, Protocol::kBinary),
                         [](const auto& info) { return info.param == Protocol::kCompact ? "Compact" : "Binary"; });

TEST(AgentOptions, ProtocolFollowsThePortUnlessSet) {
  JaegerAgentExporter::Options o;
  EXPECT_EQ(o.protocol_or_default(), Protocol::kCompact);  // 6831
  o.port = 6832;
  EXPECT_EQ(o.protocol_or_default(), Protocol::kBinary);
  o.protocol = Protocol::kCompact;
  EXPECT_EQ(o.protocol_or_default(), Protocol::kCompact);
  o.port = 7000;
  o.protocol.reset();
  EXPECT_EQ(o.protocol_or_default(), Protocol::kCompact);
}

}  // namespace
}  // namespace zspan::testing
