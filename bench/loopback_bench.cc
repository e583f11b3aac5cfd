// End to end into a loopback backend: producer threads record spans at a steady rate each,
// the OTLP/HTTP exporter (protobuf, the default queue and batch settings) posts them to an
// HTTP server on 127.0.0.1 (the tests' Receiver, answering 200 at once), and each row says
// how many arrived and how many were dropped. The sustained rate is the highest row with
// no drop; //bench:report prints it for 1 and 2 producers.
//
//   ./bazelw run -c opt //bench:loopback_bench
//   BM_LoopbackOtlp/<spans per second per producer>/real_time/threads:<producers>
#include <benchmark/benchmark.h>

#include <chrono>
#include <thread>

#include "zspan/exporters/otlp/otlp_http_exporter.hpp"
#include "zspan/instrument/zspan.hpp"
#include "tests/exporters/http/receiver.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using OtlpTracer = zspan::Tracer<zspan::AlwaysOnSampler, zspan::OtlpHttpExporter>;

constexpr auto kRun = 1s;
constexpr auto kTick = 1ms;

struct Backend {
  Backend() {
    receiver.count_only();
    zspan::OtlpHttpExporter::Options otlp;
    otlp.endpoint = receiver.url("/v1/traces");
    tracer = std::make_unique<OtlpTracer>("zspan-bench-loopback", zspan::AlwaysOnSampler{},
                                          zspan::SharedExporter<zspan::OtlpHttpExporter>::make(
                                              "loopback", zspan::ExportOptions{}, otlp));
  }
  zspan::testing::Receiver receiver;
  std::unique_ptr<OtlpTracer> tracer;
};

Backend& backend() {
  static Backend b;
  return b;
}

struct Totals {
  std::uint64_t recorded, exported;
  static Totals now() {
    const zspan::Stats s = zspan::stats();
    return {s.spans_recorded, s.spans_exported};
  }
};

// Each producer records state.range(0) spans per second for kRun, in bursts of one tick.
void BM_LoopbackOtlp(benchmark::State& state) {
  OtlpTracer& tracer = *backend().tracer;
  static Totals before;
  if (state.thread_index() == 0) {
    tracer.flush(30s);
    before = Totals::now();
  }
  const auto per_tick = static_cast<std::int64_t>(state.range(0) * std::chrono::duration<double>(kTick).count());
  for (auto _ : state) {
    const auto start = Clock::now();
    for (auto tick = start; tick - start < kRun; tick += kTick) {
      for (std::int64_t i = 0; i < per_tick; ++i) {
        TRACE_SCOPE_WITH(tracer, "request", zspan::tags::http_status_code = i);
      }
      std::this_thread::sleep_until(tick + kTick);
    }
  }
  if (state.thread_index() == 0) {
    // The loop ends at a barrier of all threads: everything is recorded by now.
    tracer.flush(30s);
    const Totals after = Totals::now();
    const double recorded = static_cast<double>(after.recorded - before.recorded);
    const double exported = static_cast<double>(after.exported - before.exported);
    state.counters["exported_per_s"] = exported / std::chrono::duration<double>(kRun).count();
    state.counters["dropped"] = recorded - exported;
  }
}
BENCHMARK(BM_LoopbackOtlp)
    ->RangeMultiplier(2)
    ->Range(25'000, 1'600'000)
    ->Iterations(1)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(2);

}  // namespace

BENCHMARK_MAIN();
