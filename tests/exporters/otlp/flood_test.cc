// Two threads flooding a backend that answers slowly: the program is never held up, memory
// stays bounded, and every span is accounted for: recorded = exported + dropped + pending,
// with the drops counted where they happened (the exporter's full queue).
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "zspan/exporters/otlp/otlp_http_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/sanitizers.hpp"
#include "tests/exporters/otlp/otlp_test_support.hpp"

namespace zspan::testing {
namespace {

using namespace std::chrono_literals;

std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

TEST(OtlpFlood, TwoProducersAgainstASlowBackendStayBoundedAndCounted) {
  Receiver receiver;
  receiver.script(std::vector<Receiver::Reply>(200, {.status = 200, .delay = 100ms}));
  ExportOptions queue;  // the OpenTelemetry defaults: 2048 spans, batches of 512
  OtlpHttpExporter::Options otlp = options_for(receiver, 2s);
  Tracer<AlwaysOnSampler, OtlpHttpExporter> tracer{"flood", {}, SharedExporter<OtlpHttpExporter>::make("flood", queue, otlp)};

  const std::uint64_t rss_before = resident_bytes();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> ended{0};
  auto produce = [&] {
    std::uint64_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      TRACE_SCOPE_WITH(tracer, "flood", tags::http_status_code = 200);
      ++n;
    }
    ended += n;
  };
  std::thread a(produce), b(produce);
  std::this_thread::sleep_for(2s);
  stop = true;
  a.join();
  b.join();
  const std::uint64_t rss_growth = resident_bytes() > rss_before ? resident_bytes() - rss_before : 0;
  ASSERT_TRUE(tracer.flush(30s));

  const Stats s = stats();
  EXPECT_EQ(s.spans_recorded, ended.load());
  EXPECT_EQ(s.spans_recorded, s.spans_exported + s.spans_dropped() + s.spans_pending);
  EXPECT_EQ(s.spans_pending, 0u);
  ASSERT_EQ(s.exporters.size(), 1u);
  const ExporterStats& e = s.exporters[0];
  EXPECT_GT(e.dropped_queue_full, 0u) << "a 100 ms backend cannot keep up with two producers";
  EXPECT_EQ(e.received, e.exported + e.dropped_queue_full + e.rejected + e.dropped_failed + e.dropped_shutdown);
  std::size_t arrived = 0;
  for (const Receiver::Request& request : receiver.requests()) {
    const auto decoded = decode(request);
    for (const auto& rs : decoded.resource_spans())
      for (const auto& ss : rs.scope_spans()) arrived += static_cast<std::size_t>(ss.spans_size());
  }
  EXPECT_EQ(arrived, e.exported);
  // Rings within their 64 MiB budget, the queue within 2048 spans: nothing grows with
  // the number of spans the producers made. (Not under ASan or TSan, whose quarantine and
  // shadow memory are not the library's.)
#if !ZSPAN_TEST_ASAN && !ZSPAN_TEST_TSAN
  EXPECT_LT(rss_growth, 96u << 20) << rss_growth;
#else
  static_cast<void>(rss_growth);
#endif
  // The producers never waited for the backend: they made many times what it took.
  EXPECT_GT(ended.load(), 4 * e.exported);
}

}  // namespace
}  // namespace zspan::testing
