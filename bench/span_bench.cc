// The span overhead rows of the suite (see bench/README in HOT_PATH.md and
// `./bazelw run //bench:report`). Names are stable: the report and users' tracking key
// on them.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "bench/cases.hpp"
#include "zspan/trace/clock.hpp"

namespace {

using namespace zspan_bench;

// Spans the pipeline dropped during a benchmark, as counters: `dropped`, those a full
// thread buffer refused (a non-zero value means the collector did not keep up and the row
// is optimistic: a dropped span skips the buffer write), and as a share of the spans
// recorded, `dropped_buffer_share`; `dropped_share`, every span lost on the way to the
// exporter (a full buffer or a full exporter queue), once what was recorded has been
// flushed. Every thread reads the process-wide counts, so the counters average over
// threads. It also gives the thread its full ring first, so that no ring grows during the
// row.
class DropCounter {
 public:
  DropCounter() : before_((zspan::reserve_thread_buffer(), zspan::stats())) {}
  void report(benchmark::State& state) {
    zspan::flush();
    const zspan::Stats after = zspan::stats();
    const auto full = static_cast<double>(after.spans_dropped_buffer_full - before_.spans_dropped_buffer_full);
    const auto lost = static_cast<double>(after.spans_dropped() - before_.spans_dropped());
    const auto spans = static_cast<double>(state.iterations()) * state.threads();
    auto share = [&](double n) { return benchmark::Counter(spans > 0 ? n / spans : 0, benchmark::Counter::kAvgThreads); };
    state.counters["dropped"] = benchmark::Counter(full, benchmark::Counter::kAvgThreads);
    state.counters["dropped_buffer_share"] = share(full);
    state.counters["dropped_share"] = share(lost);
  }

 private:
  zspan::Stats before_;
};

void BM_Baseline(benchmark::State& state) {
  std::int64_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(++i);
}
BENCHMARK(BM_Baseline);

// The two clock readings a recording span takes (start and end).
void BM_ClockPair(benchmark::State& state) {
  for (auto _ : state) {
    std::uint64_t start = zspan::now_ticks();
    benchmark::DoNotOptimize(start);
    std::uint64_t end = zspan::now_ticks();
    benchmark::DoNotOptimize(end);
  }
  state.SetLabel(zspan::ClockAnchor::instance().uses_tsc() ? "rdtsc" : "steady_clock");
}
BENCHMARK(BM_ClockPair);

void BM_SpanSampled2Tags(benchmark::State& state) {
  SampledTracer& tracer = sampled_tracer();
  DropCounter drops;
  std::int64_t i = 0;
  for (auto _ : state) {
    sampled_span(tracer, ++i);
    benchmark::ClobberMemory();
  }
  drops.report(state);
}
BENCHMARK(BM_SpanSampled2Tags);
BENCHMARK(BM_SpanSampled2Tags)->Threads(2);

void BM_SpanSampled2TagsRuntimeString(benchmark::State& state) {
  SampledTracer& tracer = sampled_tracer();
  DropCounter drops;
  std::int64_t i = 0;
  for (auto _ : state) {
    sampled_span_runtime_string(tracer, ++i);
    benchmark::ClobberMemory();
  }
  drops.report(state);
}
BENCHMARK(BM_SpanSampled2TagsRuntimeString);

void BM_SpanSampledRuntimeName(benchmark::State& state) {
  SampledTracer& tracer = sampled_tracer();
  DropCounter drops;
  std::int64_t i = 0;
  for (auto _ : state) {
    sampled_span_runtime_name(tracer, ++i);
    benchmark::ClobberMemory();
  }
  drops.report(state);
}
BENCHMARK(BM_SpanSampledRuntimeName);

// Also reports what zspan measured itself for this span (stats().span_cost_nanos).
void BM_SpanSampledBare(benchmark::State& state) {
  SampledTracer& tracer = sampled_tracer();
  DropCounter drops;
  for (auto _ : state) {
    sampled_span_bare(tracer);
    benchmark::ClobberMemory();
  }
  drops.report(state);
  state.counters["span_cost_nanos"] = zspan::stats().span_cost_nanos;
}
BENCHMARK(BM_SpanSampledBare);

void BM_SpanNestedBare(benchmark::State& state) {
  SampledTracer& tracer = sampled_tracer();
  DropCounter drops;
  TRACE_SCOPE_WITH(tracer, "bench.parent");
  for (auto _ : state) {
    child_span_bare();
    benchmark::ClobberMemory();
  }
  drops.report(state);
}
BENCHMARK(BM_SpanNestedBare);

void BM_SpanNested(benchmark::State& state) {
  SampledTracer& tracer = sampled_tracer();
  DropCounter drops;
  std::int64_t i = 0;
  TRACE_SCOPE_WITH(tracer, "bench.parent");
  for (auto _ : state) {
    child_span(++i);
    benchmark::ClobberMemory();
  }
  drops.report(state);
}
BENCHMARK(BM_SpanNested);

void BM_SpanSampledOut(benchmark::State& state) {
  std::int64_t i = 0;
  TRACE_SCOPE_WITH(silent_tracer(), "bench.request");  // the sampler drops this trace
  for (auto _ : state) {
    sampled_out_span(++i);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SpanSampledOut);

void BM_SpanSampledOutRoot(benchmark::State& state) {
  SilentTracer& tracer = silent_tracer();
  std::int64_t i = 0;
  for (auto _ : state) {
    sampled_out_root(tracer, ++i);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SpanSampledOutRoot);

void BM_SpanSampledOutRatioRoot(benchmark::State& state) {
  RatioTracer& tracer = ratio_tracer();
  std::int64_t i = 0;
  for (auto _ : state) {
    sampled_out_root(tracer, ++i);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SpanSampledOutRatioRoot);

}  // namespace

BENCHMARK_MAIN();
