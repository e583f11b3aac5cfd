// The whole export pipeline under load: producer threads record spans flat out (the
// sampled 2-tag span of span_bench) and the collector drains them into a discarding
// exporter's queue and worker. What it measures is the pipeline's capacity, not the hot
// path: spans exported per second of wall time, and the share dropped (a full thread
// buffer or a full exporter queue). BM_CollectorDrain is the collector's own share of it:
// the CPU time of one drain per span it took; BM_CollectorDrainFromAnotherCore the same
// for spans recorded on another core, and BM_WakeSleepingThread the wake of the worker
// that each such drain includes. BM_NewThreadFirstSpans is what a new thread's first spans
// cost it while its ring grows. `./bazelw run -c opt //bench:pipeline_bench`
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/cases.hpp"
#include "bench/thread_cpu_time.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Totals {
  std::uint64_t exported, dropped_buffer, dropped_queue, recorded;
  static Totals now() {
    const zspan::Stats s = zspan::stats();
    return {s.spans_exported, s.spans_dropped_buffer_full, s.spans_dropped_queue_full, s.spans_recorded};
  }
};

// A queue that absorbs the collector's bursts: the drops left are the pipeline's limit.
zspan_bench::SampledTracer& pipeline_tracer() {
  static zspan_bench::SampledTracer tracer{
      "zspan-bench-pipeline", {},
      zspan::share_exporter<zspan::DiscardExporter>(zspan::ExportOptions{.max_queue_size = 65536,
                                                                         .schedule_delay = std::chrono::milliseconds(100),
                                                                         .max_export_batch_size = 4096})};
  return tracer;
}

void BM_PipelineFlatOut(benchmark::State& state) {
  auto& tracer = pipeline_tracer();
  static Totals before;
  static Clock::time_point start;
  if (state.thread_index() == 0) {
    tracer.flush();
    before = Totals::now();
    start = Clock::now();
  }
  std::int64_t i = 0;
  for (auto _ : state) zspan_bench::sampled_span(tracer, ++i);
  if (state.thread_index() == 0) {
    // The loop ends at a barrier of all threads: everything is recorded by now.
    tracer.flush(std::chrono::seconds(30));
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const Totals after = Totals::now();
    const double recorded = static_cast<double>(after.recorded - before.recorded);
    state.counters["exported_per_s"] = static_cast<double>(after.exported - before.exported) / seconds;
    auto share = [&](std::uint64_t n) { return recorded > 0 ? static_cast<double>(n) / recorded : 0; };
    state.counters["dropped_buffer_full"] = share(after.dropped_buffer - before.dropped_buffer);
    state.counters["dropped_queue_full"] = share(after.dropped_queue - before.dropped_queue);
  }
}
BENCHMARK(BM_PipelineFlatOut)->Threads(1)->UseRealTime();
BENCHMARK(BM_PipelineFlatOut)->Threads(2)->UseRealTime();

// What the collector takes in one drain of the rows below: well within half a reserved
// ring, so that no early wake comes first.
constexpr int kDrainSpans = 4096;

// Records kDrainSpans spans for the pipeline's tracer, numbering them on from `i`.
void record_a_drains_worth(std::int64_t& i) {
  for (int n = 0; n < kDrainSpans; ++n) zspan_bench::sampled_span(pipeline_tracer(), ++i);
}

// Each round, `record()` (untimed), then one drain into the discarding exporter's queue,
// timed, as the collector thread does each cycle (its worker exports meanwhile, on
// another thread). 1e9 / items_per_second is ns per span; the queue is emptied between
// rounds so that no span is dropped there, which would cost less than one taken.
template <class Record>
void time_drains(benchmark::State& state, Record&& record) {
  std::uint64_t drained = 0;
  for (auto _ : state) {
    state.PauseTiming();
    pipeline_tracer().flush();
    record();
    state.ResumeTiming();
    drained += zspan::detail::drain_now();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(drained));
}

// What the collector costs per span, of spans this thread recorded.
void BM_CollectorDrain(benchmark::State& state) {
  zspan::reserve_thread_buffer();
  std::int64_t i = 0;
  time_drains(state, [&] { record_a_drains_worth(i); });
}
// The report reads the highest rate of the repetitions beside their median (bench/report.cc).
BENCHMARK(BM_CollectorDrain)->ComputeStatistics("max", [](const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
});

// A new thread's first spans, CPU time per span: its first ring is small and grows as
// it fills (kFirstRingBytes, trace/collector.cc), so these include what growing costs the
// thread. Threads that live for a few hundred spans pay it on every one of their spans.
void BM_NewThreadFirstSpans(benchmark::State& state) {
  static constexpr int kFirstSpans = 200;  // 19 KiB of records: the first ring grows twice
  auto& tracer = pipeline_tracer();
  for (auto _ : state) {
    double seconds = 0;
    std::thread([&] {
      const double start = zspan_bench::thread_cpu_seconds();
      for (int n = 0; n < kFirstSpans; ++n) zspan_bench::sampled_span(tracer, n);
      seconds = zspan_bench::thread_cpu_seconds() - start;
    }).join();
    state.SetIterationTime(seconds);
  }
  state.SetItemsProcessed(state.iterations() * kFirstSpans);
}
BENCHMARK(BM_NewThreadFirstSpans)->UseManualTime();

// A thread that records a drain's worth of spans each time it is asked, on whichever
// core the scheduler gives it: with two cores, the other one than the bench's thread.
class Recorder {
 public:
  Recorder()
      : thread_([this] {
          zspan::reserve_thread_buffer();
          std::int64_t i = 0;
          std::unique_lock lock(mutex_);
          for (int round = 1; cv_.wait(lock, [&] { return asked_ == round || stop_; }), !stop_; ++round) {
            lock.unlock();
            record_a_drains_worth(i);
            lock.lock();
            recorded_ = round;
            cv_.notify_all();
          }
        }) {}
  ~Recorder() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void record_and_wait() {
    std::unique_lock lock(mutex_);
    const int round = ++asked_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return recorded_ == round; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int asked_ = 0, recorded_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// The same drain, of spans another thread recorded: each record crosses from the
// recording core's cache to the collector's, as it does when threads record under load.
void BM_CollectorDrainFromAnotherCore(benchmark::State& state) {
  Recorder recorder;
  time_drains(state, [&] { recorder.record_and_wait(); });
}
BENCHMARK(BM_CollectorDrainFromAnotherCore);

// What the collector's CPU pays to wake an exporter's worker asleep on another core, as
// it does when a drain hands over a batch (pipeline.cc, publish): the notify of a thread
// waiting on a condition variable, by a thread that was busy before it (the collector
// draining). On a virtual machine, waking an idle virtual core costs the waker far more
// than on bare metal.
void BM_WakeSleepingThread(benchmark::State& state) {
  std::mutex mutex;
  std::condition_variable cv;
  bool asleep = false, woken = false, stop = false;
  std::thread sleeper([&] {
    std::unique_lock lock(mutex);
    while (!stop) {
      asleep = true;
      cv.wait(lock, [&] { return woken || stop; });
      asleep = woken = false;
    }
  });
  for (auto _ : state) {
    state.PauseTiming();
    for (bool ready = false; !ready;) {
      const auto busy_until = Clock::now() + std::chrono::microseconds(100);  // the drain's work
      while (Clock::now() < busy_until) {
      }
      std::lock_guard lock(mutex);
      ready = asleep && !woken;
    }
    state.ResumeTiming();
    {
      std::lock_guard lock(mutex);
      woken = true;
    }
    cv.notify_one();
  }
  {
    std::lock_guard lock(mutex);
    stop = true;
  }
  cv.notify_one();
  sleeper.join();
}
BENCHMARK(BM_WakeSleepingThread);

}  // namespace

BENCHMARK_MAIN();
