// The collecting side under stress: a slow or failing exporter, a full buffer, threads
// that come and go. Nothing blocks the recording thread, nothing is lost uncounted.
#include "trace/collector.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "exporters/memory_exporter.hpp"
#include "instrument/zspan.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using MemoryTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter>;

struct ThrowingExporter {
  void export_span(const zspan::SpanView&) { throw std::runtime_error("backend down"); }
};

// Holds the collector thread inside export_span until the test opens the gate.
struct GateExporter {
  std::atomic<bool> open{false};
  std::atomic<int> exported{0};
  void export_span(const zspan::SpanView&) {
    while (!open.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    exported.fetch_add(1);
  }
};
using GateTracer = zspan::Tracer<zspan::AlwaysOnSampler, GateExporter>;

TEST(Collector, AnExporterThatThrowsLosesItsSpanAndCountsIt) {
  zspan::Tracer<zspan::AlwaysOnSampler, ThrowingExporter> failing{"failing"};
  MemoryTracer healthy{"healthy"};
  const zspan::Stats before = zspan::stats();
  { TRACE_SCOPE_WITH(failing, "lost"); }
  { TRACE_SCOPE_WITH(healthy, "kept"); }
  ASSERT_TRUE(zspan::flush());
  const zspan::Stats after = zspan::stats();
  EXPECT_EQ(after.spans_dropped_exporter_failed - before.spans_dropped_exporter_failed, 1u);
  EXPECT_EQ(healthy.exporter().size(), 1u);
}

TEST(Collector, FlushWaitsNoLongerThanItsTimeout) {
  GateTracer tracer{"slow"};
  { TRACE_SCOPE_WITH(tracer, "stuck in export"); }
  const auto start = Clock::now();
  EXPECT_FALSE(zspan::flush(std::chrono::milliseconds(50)));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  tracer.exporter().open = true;
  EXPECT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().exported.load(), 1);
}

TEST(Collector, AFullBufferDropsAndCountsWithoutBlockingTheThread) {
  GateTracer tracer{"blocked"};
  { TRACE_SCOPE_WITH(tracer, "holds the collector"); }  // from this thread's buffer
  ASSERT_FALSE(zspan::flush(std::chrono::milliseconds(20)));  // the collector is now inside export_span

  constexpr int kSpans = 200;  // a 4 KiB ring holds 64 spans of 64 bytes
  const zspan::Stats before = zspan::stats();
  zspan::set_thread_buffer_capacity(4096);
  std::thread([&] {
    for (int i = 0; i < kSpans; ++i) {
      TRACE_SCOPE_WITH(tracer, "burst");
    }
  }).join();  // returns: recording never waits for the collector
  zspan::set_thread_buffer_capacity(zspan::kDefaultThreadBufferBytes);
  const zspan::Stats full = zspan::stats();
  EXPECT_EQ(full.spans_dropped_buffer_full - before.spans_dropped_buffer_full, std::uint64_t{kSpans - 64});

  tracer.exporter().open = true;
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().exported.load(), 1 + 64) << "what fitted is exported, after its thread exited";
}

TEST(Collector, ThreadsThatComeAndGoLoseNoSpans) {
  MemoryTracer tracer{"svc"};
  constexpr int kThreads = 50, kSpansEach = 100;
  for (int t = 0; t < kThreads; ++t) {
    std::thread([&] {
      for (int i = 0; i < kSpansEach; ++i) {
        TRACE_SCOPE_WITH(tracer, "short-lived");
      }
    }).join();
  }
  ASSERT_TRUE(zspan::flush());
  EXPECT_EQ(tracer.exporter().size(), std::size_t{kThreads * kSpansEach});
}

}  // namespace
