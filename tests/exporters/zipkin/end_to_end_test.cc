// A real tracer exporting through ZipkinExporter while its backend is down, then back: the
// pipeline keeps the retryable batches, nothing that fitted the queue is lost or sent twice,
// and zspan::stats() accounts for every span.
#include <gtest/gtest.h>

#include <set>

#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/http/outage.hpp"
#include "tests/exporters/zipkin/zipkin_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;

TEST(ZipkinEndToEnd, SpansRecordedWhileTheBackendIsDownArriveOnceWhenItComesBack) {
  constexpr std::size_t kSpans = 200;
  const std::uint16_t port = unused_port();
  ExportOptions queue;
  queue.max_export_batch_size = 64;
  queue.schedule_delay = 50ms;
  ZipkinExporter::Options zipkin;
  zipkin.endpoint = "http://127.0.0.1:" + std::to_string(port) + "/api/v2/spans";
  zipkin.timeout = 300ms;
  Tracer<AlwaysOnSampler, ZipkinExporter> tracer{"e2e", {}, SharedExporter<ZipkinExporter>::make("e2e", queue, zipkin)};

  const Outage outage = record_through_outage(tracer, port, kSpans);
  ASSERT_TRUE(outage.flushed);

  std::set<std::string> span_ids;
  std::size_t spans = 0;
  for (const Receiver::Request& request : outage.receiver->requests()) {
    EXPECT_EQ(request.path, "/api/v2/spans");
    for (const nlohmann::json& span : decode(request)) {
      EXPECT_EQ(span["name"], "work");
      EXPECT_EQ(span["localEndpoint"]["serviceName"], "e2e");
      EXPECT_GE(span["duration"].get<std::uint64_t>(), 1u);
      span_ids.insert(span["id"].get<std::string>());
      ++spans;
    }
  }
  EXPECT_EQ(spans, kSpans);
  EXPECT_EQ(span_ids.size(), kSpans);

  expect_exported_once_after_retries("zipkin", kSpans);  // named by the exporter itself
}

}  // namespace
}  // namespace zspan::testing
