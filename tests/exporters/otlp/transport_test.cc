// OtlpHttpExporter on the wire: what it adds to the shared HTTP transport (whose retry
// policy tests/exporters/http/http_sender_test.cc checks): gzip, headers from the
// environment, the response's partial success.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "zspan/exporters/otlp/otlp_encoding.hpp"
#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Code = ExportResult::Code;

std::string golden_body() {
  pb::collector::trace::v1::ExportTraceServiceRequest request;
  otlp::encode(*GoldenTrace::get().batch(), request);
  return request.SerializeAsString();
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

TEST(OtlpTransport, PartialSuccessCountsTheRejectedSpans) {
  Receiver receiver;
  pb::collector::trace::v1::ExportTraceServiceResponse response;
  response.mutable_partial_success()->set_rejected_spans(2);
  response.mutable_partial_success()->set_error_message("2 spans too old");
  receiver.script({{.status = 200, .body = response.SerializeAsString()}});
  OtlpHttpExporter exporter(options_for(receiver, 10s));
  ::testing::internal::CaptureStderr();
  const TimedExport t = export_golden(exporter);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(t.result.code, Code::kSuccess);
  EXPECT_EQ(t.result.rejected, 2u);
  EXPECT_EQ(receiver.request_count(), 1u);
  EXPECT_THAT(err, HasSubstr("2 spans too old"));
}

}  // namespace
}  // namespace zspan::testing
