// OtlpHttpExporter on the wire and under scripted faults (the OTLP specification's
// "Failures and retries"), each against a fresh receiver on loopback, with exact counts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "exporters/otlp/otlp_encoding.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using Code = ExportResult::Code;

std::string golden_body() {
  pb::collector::trace::v1::ExportTraceServiceRequest request;
  otlp::encode(*GoldenTrace::get().batch(), request);
  return request.SerializeAsString();
}

struct Timed {
  ExportResult result;
  std::chrono::milliseconds took;
};
Timed export_golden(OtlpHttpExporter& exporter) {
  const auto start = Clock::now();
  const ExportResult r = exporter.export_batch(*GoldenTrace::get().batch());
  return {r, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)};
}

TEST(OtlpTransport, GzipBodyIsTheSameRequestCompressed) {
  Receiver receiver;
  auto o = options_for(receiver, 5s);
  o.compression = OtlpHttpExporter::Compression::kGzip;
  OtlpHttpExporter exporter(o);
  EXPECT_EQ(export_golden(exporter).result.code, Code::kSuccess);
  ASSERT_EQ(receiver.request_count(), 1u);
  const Receiver::Request request = receiver.requests()[0];
  EXPECT_EQ(request.header("content-encoding"), "gzip");
  EXPECT_LT(request.body.size(), golden_body().size());
  EXPECT_EQ(gunzip(request.body), golden_body());
  EXPECT_EQ(decode(request).resource_spans_size(), 2);
}

TEST(OtlpTransport, HeadersFromTheEnvironmentArrivePercentDecoded) {
  ::setenv("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%C3%A9t%20value , x-tenant = acme,,", 1);
  Receiver receiver;
  auto o = OtlpHttpExporter::Options::from_env();
  ::unsetenv("OTEL_EXPORTER_OTLP_HEADERS");
  o.endpoint = receiver.url("/v1/traces");
  OtlpHttpExporter exporter(o);
  EXPECT_EQ(export_golden(exporter).result.code, Code::kSuccess);
  ASSERT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(receiver.requests()[0].header("api-key"), "s3cr\xc3\xa9t value");
  EXPECT_EQ(receiver.requests()[0].header("x-tenant"), "acme");
}

TEST(OtlpTransport, BatchesReuseOneConnection) {
  Receiver receiver;
  OtlpHttpExporter exporter(options_for(receiver, 5s));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(export_golden(exporter).result.code, Code::kSuccess);
  EXPECT_EQ(receiver.request_count(), 3u);
  EXPECT_EQ(receiver.connections(), 1u);
}

TEST(OtlpTransport, Unavailable503IsRetriedAndDeliveredOnce) {
  Receiver receiver;
  receiver.script({{.status = 503}, {.status = 200}});
  OtlpHttpExporter exporter(options_for(receiver, 10s));
  const Timed t = export_golden(exporter);
  EXPECT_EQ(t.result.code, Code::kSuccess);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_GE(t.took, 250ms);  // the first backoff: 0.5 s with jitter down to half
}

TEST(OtlpTransport, TooManyRequestsWaitsForRetryAfter) {
  Receiver receiver;
  receiver.script({{.status = 429, .headers = {{"Retry-After", "1"}}}, {.status = 200}});
  OtlpHttpExporter exporter(options_for(receiver, 10s));
  const Timed t = export_golden(exporter);
  EXPECT_EQ(t.result.code, Code::kSuccess);
  EXPECT_EQ(receiver.request_count(), 2u);
  EXPECT_GE(t.took, 1000ms);
}

TEST(OtlpTransport, RetryAfterBeyondTheTimeoutHandsTheHintToThePipeline) {
  Receiver receiver;
  receiver.script({{.status = 503, .headers = {{"Retry-After", "30"}}}});
  OtlpHttpExporter exporter(options_for(receiver, 5s));
  const Timed t = export_golden(exporter);
  EXPECT_EQ(t.result.code, Code::kRetryable);
  EXPECT_EQ(t.result.retry_after, 30s);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_LT(t.took, 2500ms);  // no point waiting out the timeout
}

TEST(OtlpTransport, BadRequestIsPermanentWithoutRetry) {
  Receiver receiver;
  receiver.script({{.status = 400, .body = "malformed"}});
  OtlpHttpExporter exporter(options_for(receiver, 10s));
  ::testing::internal::CaptureStderr();
  const Timed t = export_golden(exporter);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(t.result.code, Code::kPermanent);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_THAT(err, HasSubstr(receiver.url("/v1/traces")));
  EXPECT_THAT(err, HasSubstr("HTTP 400 malformed"));
}

TEST(OtlpTransport, PartialSuccessCountsTheRejectedSpans) {
  Receiver receiver;
  pb::collector::trace::v1::ExportTraceServiceResponse response;
  response.mutable_partial_success()->set_rejected_spans(2);
  response.mutable_partial_success()->set_error_message("2 spans too old");
  receiver.script({{.status = 200, .body = response.SerializeAsString()}});
  OtlpHttpExporter exporter(options_for(receiver, 10s));
  ::testing::internal::CaptureStderr();
  const Timed t = export_golden(exporter);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(t.result.code, Code::kSuccess);
  EXPECT_EQ(t.result.rejected, 2u);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_THAT(err, HasSubstr("2 spans too old"));
}

TEST(OtlpTransport, ConnectionRefusedIsRetryableWithinTheTimeout) {
  OtlpHttpExporter::Options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(unused_port()) + "/v1/traces";
  o.timeout = 1500ms;
  OtlpHttpExporter exporter(o);
  const Timed t = export_golden(exporter);
  EXPECT_EQ(t.result.code, Code::kRetryable);
  EXPECT_GE(t.took, 250ms);  // it retried: the first backoff is at least 0.25 s
  EXPECT_LE(t.took, 2000ms);  // the timeout, and time to be scheduled on a busy machine
}

TEST(OtlpTransport, ASilentServerIsBoundedByTheTimeout) {
  Receiver receiver;
  receiver.script({{.hang = true}, {.hang = true}, {.hang = true}});
  OtlpHttpExporter exporter(options_for(receiver, 1s));
  const Timed t = export_golden(exporter);
  EXPECT_EQ(t.result.code, Code::kRetryable);
  EXPECT_GE(t.took, 900ms);
  EXPECT_LE(t.took, 2000ms);
  EXPECT_EQ(receiver.request_count(), 1u);  // the one request used all the time there was
}

TEST(OtlpTransport, HttpsWithAMissingCertificateFileIsPermanent) {
  Receiver receiver;
  OtlpHttpExporter::Options o;
  o.endpoint = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/v1/traces";
  o.certificate = "/nonexistent/ca.pem";
  OtlpHttpExporter exporter(o);
  const Timed t = export_golden(exporter);
  EXPECT_EQ(t.result.code, Code::kPermanent);
  EXPECT_EQ(receiver.request_count(), 0u);
}

TEST(OtlpTransport, AnEndpointThatIsNotHttpIsPermanent) {
  OtlpHttpExporter::Options o;
  o.endpoint = "ftp://127.0.0.1/v1/traces";
  OtlpHttpExporter exporter(o);
  EXPECT_EQ(export_golden(exporter).result.code, Code::kPermanent);
}

}  // namespace
}  // namespace zspan::testing
