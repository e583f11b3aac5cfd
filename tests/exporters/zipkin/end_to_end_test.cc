// A real tracer exporting through ZipkinExporter while its backend is down, then back: the
// pipeline keeps the retryable batches, nothing that fitted the queue is lost or sent twice,
// and zspan::stats() accounts for every span.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "instrument/zspan.hpp"
#include "tests/exporters/zipkin/zipkin_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

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

  for (std::size_t i = 0; i < kSpans; ++i) {
    TRACE_SCOPE_WITH(tracer, "work");
  }
  const auto retries = [] {
    const Stats s = stats();
    return s.exporters.empty() ? 0 : s.exporters[0].retries;
  };
  for (const auto start = Clock::now(); retries() < 2 && Clock::now() - start < 20s;)
    std::this_thread::sleep_for(10ms);  // batches fail and wait in the queue
  Receiver receiver(port);
  const auto start = Clock::now();
  bool flushed = false;
  while (!flushed && Clock::now() - start < 30s) flushed = tracer.flush(1s);
  ASSERT_TRUE(flushed);

  std::set<std::string> span_ids;
  std::size_t spans = 0;
  for (const Receiver::Request& request : receiver.requests()) {
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

  const Stats s = stats();
  EXPECT_EQ(s.spans_recorded, s.spans_exported + s.spans_dropped() + s.spans_pending);
  EXPECT_EQ(s.spans_dropped(), 0u);
  ASSERT_EQ(s.exporters.size(), 1u);
  const ExporterStats& e = s.exporters[0];
  EXPECT_EQ(e.name, "zipkin");
  EXPECT_EQ(e.received, kSpans);
  EXPECT_EQ(e.exported, kSpans);
  EXPECT_EQ(e.pending, 0u);
  EXPECT_EQ(e.rejected + e.dropped_queue_full + e.dropped_failed + e.dropped_shutdown, 0u);
  EXPECT_GE(e.retries, 2u);
}

}  // namespace
}  // namespace zspan::testing
