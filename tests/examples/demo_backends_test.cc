// The demo's trace reaches each backend it can be configured for, as that backend decodes
// it: the demo runs as a user runs it (its own process, OTEL_* settings in its
// environment) against receivers on loopback, and the test checks the one trace that
// arrived: eleven spans over the three services, the parent chain from frontend's request
// through orders to inventory's queries (demo_trace.hpp).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/examples/demo_trace.hpp"
#include "tests/exporters/jaeger/jaeger_test_support.hpp"
#include "tests/exporters/jaeger/udp_receiver.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

const char* g_demo = nullptr;

// Runs the demo with `settings` added to this environment; its exit status.
int run_demo_with(const std::vector<std::string>& settings) {
  return run_demo(g_demo, {"--chrome=" + ::testing::TempDir() + "demo.trace.json"}, settings);
}

TEST(DemoBackends, OtlpProtobuf) {
  Receiver receiver;
  ASSERT_EQ(run_demo_with({"OTEL_TRACES_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_ENDPOINT=" + receiver.url()}), 0);
  std::vector<Arrived> spans;
  for (const Receiver::Request& request : receiver.requests()) {
    EXPECT_EQ(request.path, "/v1/traces");
    const auto decoded = decode(request);
    for (const auto& rs : decoded.resource_spans())
      for (const auto& ss : rs.scope_spans())
        for (const auto& s : ss.spans())
          spans.push_back({rs.resource().attributes(0).value().string_value(), s.name(), hex(s.span_id()),
                           hex(s.parent_span_id()), hex(s.trace_id())});
  }
  expect_the_demo_trace(spans);
}

TEST(DemoBackends, ZipkinJson) {
  Receiver receiver;
  ASSERT_EQ(run_demo_with({"OTEL_TRACES_EXPORTER=zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT=" + receiver.url("/api/v2/spans")}), 0);
  std::vector<Arrived> spans;
  for (const Receiver::Request& request : receiver.requests()) {
    EXPECT_EQ(request.path, "/api/v2/spans");
    for (const nlohmann::json& s : nlohmann::json::parse(request.body))
      spans.push_back({s["localEndpoint"]["serviceName"], s["name"], s["id"], s.value("parentId", ""), s["traceId"]});
  }
  expect_the_demo_trace(spans);
}

// The spans of Jaeger Batches, by service.
void add_spans(const jaegertracing::thrift::Batch& batch, std::vector<Arrived>& spans) {
  const auto hex = [](std::int64_t id) { return fmt::format("{:016x}", static_cast<std::uint64_t>(id)); };
  for (const auto& s : batch.spans)
    spans.push_back({batch.process.serviceName, s.operationName, hex(s.spanId), s.parentSpanId ? hex(s.parentSpanId) : "",
                     hex(s.traceIdHigh) + hex(s.traceIdLow)});
}

TEST(DemoBackends, JaegerAgentCompactUdp) {
  UdpReceiver agent;
  ASSERT_EQ(run_demo_with({"OTEL_TRACES_EXPORTER=jaeger", "OTEL_EXPORTER_JAEGER_AGENT_HOST=127.0.0.1",
                      "OTEL_EXPORTER_JAEGER_AGENT_PORT=" + std::to_string(agent.port())}),
            0);
  std::vector<Arrived> spans;
  for (const std::string& datagram : agent.datagrams()) add_spans(decode_emit_batch(datagram, jaeger::Protocol::kCompact), spans);
  expect_the_demo_trace(spans);
}

TEST(DemoBackends, JaegerCollectorThriftBinary) {
  Receiver collector;
  ASSERT_EQ(run_demo_with({"OTEL_TRACES_EXPORTER=jaeger", "OTEL_EXPORTER_JAEGER_ENDPOINT=" + collector.url("/api/traces")}), 0);
  std::vector<Arrived> spans;
  for (const Receiver::Request& request : collector.requests()) {
    EXPECT_EQ(request.path, "/api/traces");
    add_spans(decode_batch(request.body, jaeger::Protocol::kBinary), spans);
  }
  expect_the_demo_trace(spans);
}

// A port on loopback that refuses connections: bound, never listening, while it lives.
class RefusingPort {
 public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), size);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST(DemoBackends, ABackendThatIsDownDelaysTheExitBySecondsNotMinutes) {
  const RefusingPort down;
  ASSERT_NE(down.port(), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_demo_with({"OTEL_TRACES_EXPORTER=otlp",
                           "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:" + std::to_string(down.port())}),
            0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace zspan::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: demo_backends_test PATH_TO_DEMO\n");
    return 2;
  }
  zspan::testing::g_demo = argv[1];
  return RUN_ALL_TESTS();
}
