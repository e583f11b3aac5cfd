// Context that follows the work (issue 4): what a coroutine pays per suspend/resume pair
// for carrying its context, with and without a span open, and what capturing a context
// and resuming it elsewhere costs.
//
//   ./bazelw run -c opt //bench:context_bench
#include <benchmark/benchmark.h>

#include <coroutine>
#include <optional>
#include <type_traits>

#include "zspan/exporters/discard/discard_exporter.hpp"
#include "zspan/instrument/bind_context.hpp"
#include "zspan/instrument/coroutine.hpp"
#include "zspan/instrument/zspan.hpp"

namespace {

zspan::Tracer<zspan::AlwaysOnSampler, zspan::DiscardExporter> tracer{"bench"};

// Suspends and is resumed at once, by symmetric transfer: the cheapest real suspension.
struct Yield {
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> self) const noexcept { return self; }
  void await_resume() const noexcept {}
};

// The same eager coroutine with and without zspan::TracedPromise.
template <bool kTraced>
struct Eager {
  struct Plain {
    auto initial_suspend() noexcept { return std::suspend_never{}; }
    auto final_suspend() noexcept { return std::suspend_never{}; }
  };
  struct Traced : zspan::TracedPromise {
    auto initial_suspend() noexcept { return traced_initial_suspend(std::suspend_never{}); }
    auto final_suspend() noexcept { return traced_final_suspend(std::suspend_never{}); }
  };
  struct promise_type : std::conditional_t<kTraced, Traced, Plain> {
    Eager get_return_object() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept {}
  };
};

template <bool kTraced>
Eager<kTraced> yield_loop(benchmark::State& state, bool in_span) {
  std::optional<zspan::ScopedSpan> span;
  static constexpr zspan::Callsite kLoop{"loop", __func__, __FILE__, __LINE__, zspan::Level::kInfo};
  if (in_span) span.emplace(tracer, kLoop);
  for (auto _ : state) co_await Yield{};
}

void BM_SuspendResumeUntraced(benchmark::State& state) { yield_loop<false>(state, false); }
void BM_SuspendResume(benchmark::State& state) { yield_loop<true>(state, false); }
void BM_SuspendResumeInSpan(benchmark::State& state) { yield_loop<true>(state, true); }

zspan::Task<int> child() { co_return 1; }

Eager<true> await_child_loop(benchmark::State& state) {
  TRACE_SCOPE_WITH(tracer, "loop");
  for (auto _ : state) benchmark::DoNotOptimize(co_await child());
}

// A zspan::Task made, awaited and finished: frame allocation included.
void BM_AwaitTaskInSpan(benchmark::State& state) { await_child_loop(state); }

void BM_CaptureInSpan(benchmark::State& state) {
  TRACE_SCOPE_WITH(tracer, "request");
  for (auto _ : state) benchmark::DoNotOptimize(zspan::capture_context());
}

void BM_CaptureNoSpan(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(zspan::capture_context());
}

// What a worker pays to run a task in the context it was posted from.
void BM_ResumeCaptured(benchmark::State& state) {
  zspan::CapturedContext captured;
  {
    TRACE_SCOPE_WITH(tracer, "request");
    captured = zspan::capture_context();
  }
  for (auto _ : state) {
    zspan::ContextScope scope(captured);
    benchmark::DoNotOptimize(zspan::current_node());
  }
}

// The whole round trip of a posted task: bind_context, call, destroy.
void BM_BindAndCallInSpan(benchmark::State& state) {
  TRACE_SCOPE_WITH(tracer, "request");
  for (auto _ : state) {
    auto task = zspan::bind_context([] { return zspan::current_node(); });
    benchmark::DoNotOptimize(task());
  }
}

BENCHMARK(BM_SuspendResumeUntraced);
BENCHMARK(BM_SuspendResume);
BENCHMARK(BM_SuspendResumeInSpan);
BENCHMARK(BM_AwaitTaskInSpan);
BENCHMARK(BM_CaptureNoSpan);
BENCHMARK(BM_CaptureInSpan);
BENCHMARK(BM_ResumeCaptured);
BENCHMARK(BM_BindAndCallInSpan);

}  // namespace
