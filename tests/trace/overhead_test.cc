// Self-measurement: zspan counts the spans it records and estimates what they cost, from
// a per-span cost the collector thread calibrates once, off the hot path.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/zspan.hpp"

namespace zspan {
namespace {

TEST(Overhead, StatsCountRecordedSpansAndEstimateTheirCost) {
  Tracer<AlwaysOnSampler, DiscardExporter> tracer{"overhead"};
  const Stats before = stats();
  constexpr int kSpans = 1000;
  for (int i = 0; i < kSpans; ++i) {
    TRACE_SCOPE_WITH(tracer, "work");
  }
  ASSERT_TRUE(flush());
  // Calibrated once when the collector thread started (0 until then).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (stats().span_cost_nanos == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const Stats after = stats();
  EXPECT_EQ(after.spans_recorded - before.spans_recorded, static_cast<std::uint64_t>(kSpans));
  EXPECT_GT(after.span_cost_nanos, 0.0);
  EXPECT_LT(after.span_cost_nanos, 100'000.0) << "a span costs tens of nanoseconds, not a tenth of a millisecond";
  EXPECT_DOUBLE_EQ(after.tracing_nanos, static_cast<double>(after.spans_recorded) * after.span_cost_nanos);
}

TEST(Overhead, SampledOutSpansAreNotCounted) {
  Tracer<AlwaysOffSampler, DiscardExporter> tracer{"off"};
  ASSERT_TRUE(flush());
  const std::uint64_t before = stats().spans_recorded;
  for (int i = 0; i < 100; ++i) {
    TRACE_SCOPE_WITH(tracer, "dropped by the sampler");
  }
  ASSERT_TRUE(flush());
  EXPECT_EQ(stats().spans_recorded, before);
}

TEST(Overhead, CpuFractionIsASmallShareOfThisProcess) {
  Tracer<AlwaysOnSampler, DiscardExporter> tracer{"fraction"};
  volatile double sink = 0;
  for (int i = 0; i < 2000; ++i) {
    TRACE_SCOPE_WITH(tracer, "work");
    for (int j = 0; j < 200; ++j) sink = sink + j;  // work that dwarfs the span
  }
  ASSERT_TRUE(flush());
  const double fraction = tracing_cpu_fraction();
  EXPECT_GT(fraction, 0.0);
  EXPECT_LT(fraction, 0.5);
}

}  // namespace
}  // namespace zspan
