// Failures through ZipkinExporter: what HttpSender's policy (tests/exporters/http) makes of
// Zipkin's answers, seen from the exporter: exact request counts, bounded times, one line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/zipkin/zipkin_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Code = ExportResult::Code;

TEST(ZipkinTransport, Accepted202IsSuccessAndBatchesShareAConnection) {
  Receiver receiver;
  receiver.script({{.status = 202}, {.status = 202}});
  ZipkinExporter exporter(options_for(receiver, 5s));
  EXPECT_EQ(export_golden(exporter).result.code, Code::kSuccess);
  EXPECT_EQ(export_golden(exporter).result.code, Code::kSuccess);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body) << "the reused buffer holds the second batch only";
  EXPECT_EQ(decode(requests[1]).size(), GoldenTrace::kSpans);
  EXPECT_EQ(receiver.connections(), 1u);
}

TEST(ZipkinTransport, Unavailable503IsRetriedAndDeliveredOnce) {
  Receiver receiver;
  receiver.script({{.status = 503}, {.status = 202}});
  ZipkinExporter exporter(options_for(receiver, 10s));
  ::testing::internal::CaptureStderr();
  const TimedExport t = export_golden(exporter);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(t.result.code, Code::kSuccess);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_EQ(decode(requests[1]).size(), GoldenTrace::kSpans);
  EXPECT_GE(t.took, 250ms);  // the first backoff: 0.5 s with jitter down to half
  EXPECT_EQ(err, "") << "a retry that succeeds is not a failure to report";
}

TEST(ZipkinTransport, BadRequest400IsPermanentAtOnce) {
  Receiver receiver;
  receiver.script({{.status = 400, .body = "Malformed reading List<Span> from json"}});
  ZipkinExporter exporter(options_for(receiver, 10s));
  ::testing::internal::CaptureStderr();
  const TimedExport t = export_golden(exporter);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(t.result.code, Code::kPermanent);
  EXPECT_EQ(receiver.request_count(), 1u) << "not retried";
  EXPECT_LT(t.took, 2s);
  EXPECT_THAT(err, HasSubstr("zspan: Zipkin backend refused a batch: " + receiver.url("/api/v2/spans")));
  EXPECT_THAT(err, HasSubstr("400"));
}

TEST(ZipkinTransport, RefusedConnectionsAreRetryableWithinTheTimeout) {
  ZipkinExporter::Options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(unused_port()) + "/api/v2/spans";
  o.timeout = 600ms;
  ZipkinExporter exporter(o);
  ::testing::internal::CaptureStderr();
  const TimedExport first = export_golden(exporter);
  const TimedExport second = export_golden(exporter);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(first.result.code, Code::kRetryable);
  EXPECT_EQ(second.result.code, Code::kRetryable);
  EXPECT_LT(first.took, 3s) << "bounded by the timeout";
  EXPECT_THAT(err, HasSubstr("zspan: Zipkin backend unavailable: " + o.endpoint));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << "one rate-limited line for both batches: " << err;
}

}  // namespace
}  // namespace zspan::testing
