// A failing backend says so once, naming the endpoint and why, not once per batch. A
// binary of its own: the line is rate-limited per process (trace/diagnostics.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/exporters/golden/golden_trace.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using ::testing::HasSubstr;

TEST(OtlpFailureLine, OneLineForManyFailedBatches) {
  OtlpHttpExporter::Options o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(unused_port()) + "/v1/traces";
  o.timeout = std::chrono::milliseconds(100);
  OtlpHttpExporter exporter(o);
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(exporter.export_batch(*GoldenTrace::get().batch()).code, ExportResult::Code::kRetryable);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_THAT(err, HasSubstr("zspan: OTLP backend unavailable: " + o.endpoint));
  EXPECT_THAT(err, HasSubstr("Couldn't connect to server"));
  EXPECT_THAT(err, HasSubstr("the batch stays queued"));
}

}  // namespace
}  // namespace zspan::testing
