// The span overhead rows of the suite (see bench/README in HOT_PATH.md and
// `./bazelw run //bench:report`). Names are stable: the report and users' tracking key
// on them.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <latch>
#include <numeric>
#include <thread>
#include <vector>

#include "bench/cases.hpp"
#include "bench/thread_cpu_time.hpp"
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

// The first row with room for every span, on 1 and on 2 threads (the argument): the hot
// path's own cost when both cores record. The row above drops spans once the collector
// falls behind, and a dropped span skips the ring write, so its CPU per span reads low.
// Here each thread gets a ring that holds all its spans, written through once beforehand
// (untimed, so that no page is first touched in the loop), and records kSpansWithRoom
// spans at a common start; the row's time is the threads' mean CPU time. The drop
// counters cover the timed spans, and should read 0.
constexpr std::int64_t kSpansWithRoom = std::int64_t{1} << 20;  // 96 MiB of records a thread
constexpr std::size_t kRingWithRoom = std::size_t{128} << 20;
constexpr std::int64_t kSpansThroughTheRing = kRingWithRoom / 64;  // a record is at least its 64-byte header
void give_rings_room(const benchmark::State&) {
  zspan::set_buffer_budget(4 * kRingWithRoom);
  zspan::set_thread_buffer_capacity(kRingWithRoom);
}
void take_the_room_back(const benchmark::State&) {
  zspan::set_thread_buffer_capacity(zspan::kDefaultThreadBufferBytes);
  zspan::set_buffer_budget(zspan::kDefaultBufferBudgetBytes);
}
void BM_SpanSampled2TagsWithRoom(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  SampledTracer& tracer = sampled_tracer();
  std::uint64_t dropped_buffer_full = 0, dropped = 0;  // of the timed spans, over the rounds
  for (auto _ : state) {
    std::latch ready(static_cast<std::ptrdiff_t>(threads)), go(1);
    std::vector<double> seconds(threads);
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        zspan::reserve_thread_buffer();
        for (std::int64_t i = 0; i < kSpansThroughTheRing; ++i) sampled_span(tracer, i);
        zspan::flush();
        ready.count_down();
        go.wait();
        const double start = thread_cpu_seconds();
        for (std::int64_t i = 0; i < kSpansWithRoom; ++i) {
          sampled_span(tracer, i);
          benchmark::ClobberMemory();
        }
        seconds[t] = thread_cpu_seconds() - start;
      });
    ready.wait();
    const zspan::Stats before = zspan::stats();
    go.count_down();
    for (std::thread& thread : pool) thread.join();
    zspan::flush();
    const zspan::Stats after = zspan::stats();
    dropped_buffer_full += after.spans_dropped_buffer_full - before.spans_dropped_buffer_full;
    dropped += after.spans_dropped() - before.spans_dropped();
    state.SetIterationTime(std::accumulate(seconds.begin(), seconds.end(), 0.0) / static_cast<double>(threads));
  }
  const auto spans = static_cast<double>(state.iterations()) * static_cast<double>(kSpansWithRoom * threads);
  state.SetItemsProcessed(state.iterations() * kSpansWithRoom);  // a thread's: 1e9 / rate is ns per span
  state.counters["dropped_buffer_share"] = static_cast<double>(dropped_buffer_full) / spans;
  state.counters["dropped_share"] = static_cast<double>(dropped) / spans;
}
BENCHMARK(BM_SpanSampled2TagsWithRoom)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(2)
    ->UseManualTime()
    ->Setup(give_rings_room)
    ->Teardown(take_the_room_back);

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
