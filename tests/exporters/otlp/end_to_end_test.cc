// A real tracer exporting through OtlpHttpExporter while its backend is down, then back:
// the pipeline keeps the retryable batches, nothing that fitted the queue is lost or sent
// twice, and zspan::stats() accounts for every span.
#include <gtest/gtest.h>

#include <set>

#include "zspan/exporters/otlp/otlp_http_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/http/outage.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;

TEST(OtlpEndToEnd, SpansRecordedWhileTheBackendIsDownArriveOnceWhenItComesBack) {
  constexpr std::size_t kSpans = 200;
  const std::uint16_t port = unused_port();
  ExportOptions queue;
  queue.max_export_batch_size = 64;
  queue.schedule_delay = 50ms;
  OtlpHttpExporter::Options otlp;
  otlp.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/v1/traces";
  otlp.timeout = 300ms;
  Tracer<AlwaysOnSampler, OtlpHttpExporter> tracer{"e2e", {}, SharedExporter<OtlpHttpExporter>::make("e2e", queue, otlp)};

  const Outage outage = record_through_outage(tracer, port, kSpans);
  ASSERT_TRUE(outage.flushed);

  std::set<std::string> span_ids;
  std::size_t spans = 0;
  for (const Receiver::Request& request : outage.receiver->requests()) {
    const auto decoded = decode(request);
    for (const auto& rs : decoded.resource_spans()) {
      EXPECT_EQ(rs.resource().attributes(0).value().string_value(), "e2e");
      for (const auto& ss : rs.scope_spans())
        for (const auto& span : ss.spans()) {
          EXPECT_EQ(span.name(), "work");
          span_ids.insert(span.span_id());
          ++spans;
        }
    }
  }
  EXPECT_EQ(spans, kSpans);
  EXPECT_EQ(span_ids.size(), kSpans);

  expect_exported_once_after_retries("otlp", kSpans);  // named by the exporter itself
}

}  // namespace
}  // namespace zspan::testing
