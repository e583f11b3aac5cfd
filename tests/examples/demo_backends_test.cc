// The demo's trace reaches each backend it can be configured for, as that backend decodes
// it: the demo runs as a user runs it (its own process, OTEL_* settings in its
// environment) against receivers on loopback, and the test checks the one trace that
// arrived: eleven spans, both services, the parent chain from the frontend's request
// through the call into the backend's handler.
#include <gtest/gtest.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/wait.h>

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/exporters/jaeger/jaeger_test_support.hpp"
#include "tests/exporters/jaeger/udp_receiver.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

extern char** environ;

namespace zspan::testing {
namespace {

const char* g_demo = nullptr;

// Runs the demo with `settings` added to this environment; its exit status.
int run_demo(const std::vector<std::string>& settings) {
  std::vector<std::string> env = settings;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string chrome = "--chrome=" + ::testing::TempDir() + "demo.trace.json";
  char* argv[] = {const_cast<char*>(g_demo), const_cast<char*>(chrome.c_str()), nullptr};
  pid_t pid = 0;
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  const int spawned = posix_spawn(&pid, g_demo, &quiet, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&quiet);
  if (spawned != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A span as every backend has it: its service and name, its id and its parent's.
struct Arrived {
  std::string service, name, id, parent_id, trace_id;
};

// Checks the demo's trace: one trace, both services, and the chain
// GET /users/42 (frontend) <- call backend <- GET /users/{id} (backend) <- SELECT users.
void expect_the_demo_trace(const std::vector<Arrived>& spans) {
  ASSERT_EQ(spans.size(), 11u);
  std::map<std::string, const Arrived*> by_name;
  for (const Arrived& s : spans) {
    by_name[s.name] = &s;
    EXPECT_EQ(s.trace_id, spans[0].trace_id) << s.name;
  }
  const auto parent_of = [&](const std::string& name) {
    for (const Arrived& s : spans)
      if (s.id == by_name.at(name)->parent_id) return s.name;
    return std::string("(none)");
  };
  ASSERT_TRUE(by_name.count("GET /users/42") && by_name.count("GET /users/{id}") && by_name.count("SELECT users"));
  EXPECT_EQ(by_name["GET /users/42"]->service, "frontend");
  EXPECT_EQ(by_name["GET /users/42"]->parent_id, "");
  EXPECT_EQ(by_name["GET /users/{id}"]->service, "backend");
  EXPECT_EQ(parent_of("GET /users/{id}"), "call backend");
  EXPECT_EQ(parent_of("call backend"), "GET /users/42");
  EXPECT_EQ(parent_of("SELECT users"), "GET /users/{id}");
}

TEST(DemoBackends, OtlpProtobuf) {
  Receiver receiver;
  ASSERT_EQ(run_demo({"OTEL_TRACES_EXPORTER=otlp", "OTEL_EXPORTER_OTLP_ENDPOINT=" + receiver.url()}), 0);
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
  ASSERT_EQ(run_demo({"OTEL_TRACES_EXPORTER=zipkin", "OTEL_EXPORTER_ZIPKIN_ENDPOINT=" + receiver.url("/api/v2/spans")}), 0);
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
  ASSERT_EQ(run_demo({"OTEL_TRACES_EXPORTER=jaeger", "OTEL_EXPORTER_JAEGER_AGENT_HOST=127.0.0.1",
                      "OTEL_EXPORTER_JAEGER_AGENT_PORT=" + std::to_string(agent.port())}),
            0);
  std::vector<Arrived> spans;
  for (const std::string& datagram : agent.datagrams()) add_spans(decode_emit_batch(datagram, jaeger::Protocol::kCompact), spans);
  expect_the_demo_trace(spans);
}

TEST(DemoBackends, JaegerCollectorThriftBinary) {
  Receiver collector;
  ASSERT_EQ(run_demo({"OTEL_TRACES_EXPORTER=jaeger", "OTEL_EXPORTER_JAEGER_ENDPOINT=" + collector.url("/api/traces")}), 0);
  std::vector<Arrived> spans;
  for (const Receiver::Request& request : collector.requests()) {
    EXPECT_EQ(request.path, "/api/traces");
    add_spans(decode_batch(request.body, jaeger::Protocol::kBinary), spans);
  }
  expect_the_demo_trace(spans);
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
