// JaegerCollectorExporter against the loopback HTTP receiver: each POST's body decoded with
// Apache Thrift's TBinaryProtocol and compared field by field with the golden trace, the
// request's headers (basic authentication included), scripted failures with exact counts
// of requests and spans, and the settings.
#include <gtest/gtest.h>

#include <cstdlib>

#include "zspan/exporters/jaeger/jaeger_collector_exporter.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/http/receiver.hpp"
#include "tests/exporters/jaeger/jaeger_test_support.hpp"
#include "zspan/trace/version.hpp"

namespace zspan::testing {
namespace {

using std::chrono::milliseconds;

JaegerCollectorExporter::Options options_for(const Receiver& receiver, milliseconds timeout) {
  JaegerCollectorExporter::Options o;
  o.endpoint = receiver.url("/api/traces");
  o.timeout = timeout;
  return o;
}

const std::vector<std::string> kStatusMessages = {"", "", "upstream returned 503", "", "", "", ""};

TEST(Collector, GoldenTraceAsOneThriftBinaryBatchPerService) {
  Receiver receiver;
  JaegerCollectorExporter exporter(options_for(receiver, milliseconds(5000)));
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 0u);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  const std::vector<std::string> services = {"frontend", "backend"};
  for (std::size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(services[i]);
    EXPECT_EQ(requests[i].method, "POST");
    EXPECT_EQ(requests[i].path, "/api/traces");
    EXPECT_EQ(requests[i].header("content-type"), "application/x-thrift");
    EXPECT_EQ(requests[i].header("authorization"), "");
    EXPECT_EQ(requests[i].header("user-agent"), "zspan-jaeger/" + std::string(kVersion));
    const jt::Batch got = decode_batch(requests[i].body, jaeger::Protocol::kBinary);
    const jt::Batch want = expected_batch(GoldenTrace::get().expected(), kStatusMessages, services[i]);
    EXPECT_EQ(got.process, want.process);
    ASSERT_EQ(got.spans.size(), want.spans.size());
    for (std::size_t s = 0; s < want.spans.size(); ++s) EXPECT_EQ(got.spans[s], want.spans[s]);
  }
  EXPECT_EQ(receiver.connections(), 1u);  // kept alive across the two requests
}

TEST(Collector, UserAndPasswordAreBasicAuthentication) {
  Receiver receiver;
  JaegerCollectorExporter::Options o = options_for(receiver, milliseconds(5000));
  o.user = "alice";
  o.password = "s3cret:x";
  JaegerCollectorExporter exporter(o);
  exporter.export_batch(*GoldenTrace::get().batch());
  ASSERT_EQ(receiver.request_count(), 2u);
  for (const auto& r : receiver.requests()) EXPECT_EQ(r.header("authorization"), "Basic YWxpY2U6czNjcmV0Ong=");
}

TEST(Collector, A503IsRetriedThenDelivered) {
  Receiver receiver;
  receiver.script({{.status = 503}, {.status = 200}, {.status = 200}});
  JaegerCollectorExporter exporter(options_for(receiver, milliseconds(5000)));
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 0u);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].body, requests[1].body);  // the same Batch again
  EXPECT_EQ(decode_batch(requests[1].body, jaeger::Protocol::kBinary).spans.size(), 6u);
  EXPECT_EQ(decode_batch(requests[2].body, jaeger::Protocol::kBinary).spans.size(), 1u);
}

TEST(Collector, A400IsPermanentAtOnce) {
  Receiver receiver;
  receiver.script({{.status = 400, .body = "bad batch"}, {.status = 400}});
  JaegerCollectorExporter exporter(options_for(receiver, milliseconds(5000)));
  ::testing::internal::CaptureStderr();
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(result.code, ExportResult::Code::kPermanent);
  EXPECT_EQ(receiver.request_count(), 2u);  // no retry
  EXPECT_NE(err.find("zspan: Jaeger collector backend refused a batch: " + receiver.url("/api/traces") +
                     ": HTTP 400 bad batch"),
            std::string::npos)
      << err;
}

TEST(Collector, A400ForOneServiceRejectsItsSpansOnly) {
  Receiver receiver;
  receiver.script({{.status = 200}, {.status = 400}});
  JaegerCollectorExporter exporter(options_for(receiver, milliseconds(5000)));
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 1u);  // "SELECT users", the backend's
  EXPECT_EQ(receiver.request_count(), 2u);
}

TEST(Collector, NoCollectorKeepsTheBatchQueued) {
  JaegerCollectorExporter::Options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(unused_port()) + "/api/traces";
  o.timeout = milliseconds(300);
  JaegerCollectorExporter exporter(o);
  const auto start = std::chrono::steady_clock::now();
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_EQ(result.code, ExportResult::Code::kRetryable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));  // bounded by the timeout
}

TEST(Collector, OutOfTimeAfterADeliveryRejectsTheRestOnly) {
  Receiver receiver;
  std::vector<Receiver::Reply> replies = {{.status = 200}};
  for (int i = 0; i < 50; ++i) replies.push_back({.status = 503});
  receiver.script(replies);
  JaegerCollectorExporter exporter(options_for(receiver, milliseconds(400)));
  const ExportResult result = exporter.export_batch(*GoldenTrace::get().batch());
  EXPECT_EQ(result.code, ExportResult::Code::kSuccess);
  EXPECT_EQ(result.rejected, 1u);  // delivered 5; the backend's 1 ran out of time: not sent twice
  EXPECT_GE(receiver.request_count(), 2u);
}

class CollectorSettings : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"OTEL_EXPORTER_JAEGER_ENDPOINT", "OTEL_EXPORTER_JAEGER_USER",
                             "OTEL_EXPORTER_JAEGER_PASSWORD", "OTEL_EXPORTER_JAEGER_TIMEOUT"})
      ::unsetenv(name);
  }
};

TEST_F(CollectorSettings, Defaults) {
  const auto o = JaegerCollectorExporter::Options::from_env();
  EXPECT_EQ(o.endpoint, "http://localhost:14268/api/traces");
  EXPECT_EQ(o.user, "");
  EXPECT_EQ(o.password, "");
  EXPECT_EQ(o.timeout, milliseconds(10000));
}

TEST_F(CollectorSettings, FromTheEnvironment) {
  ::setenv("OTEL_EXPORTER_JAEGER_ENDPOINT", "https://jaeger.example.com/api/traces", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_USER", "alice", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_PASSWORD", "pw", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_TIMEOUT", "2500", 1);
  const auto o = JaegerCollectorExporter::Options::from_env();
  EXPECT_EQ(o.endpoint, "https://jaeger.example.com/api/traces");
  EXPECT_EQ(o.user, "alice");
  EXPECT_EQ(o.password, "pw");
  EXPECT_EQ(o.timeout, milliseconds(2500));
}

TEST_F(CollectorSettings, BadValuesAreNamedWithWhatIsUsedInstead) {
  ::setenv("OTEL_EXPORTER_JAEGER_ENDPOINT", "localhost:14268", 1);
  ::setenv("OTEL_EXPORTER_JAEGER_TIMEOUT", "soon", 1);
  ::testing::internal::CaptureStderr();
  const auto o = JaegerCollectorExporter::Options::from_env();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(o.endpoint, "http://localhost:14268/api/traces");
  EXPECT_EQ(o.timeout, milliseconds(10000));
  EXPECT_NE(err.find("OTEL_EXPORTER_JAEGER_ENDPOINT=\"localhost:14268\""), std::string::npos) << err;
  EXPECT_NE(err.find("using http://localhost:14268/api/traces"), std::string::npos) << err;
  EXPECT_NE(err.find("OTEL_EXPORTER_JAEGER_TIMEOUT=\"soon\" is not a positive whole number of milliseconds; using 10000"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace zspan::testing
