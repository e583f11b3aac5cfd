// A bounded soak of the pipeline (issue 15): threads that come and go, each recording a
// few spans, into an exporter slower than they are, for a fixed time. Reports the memory
// high-water mark and whether every span is accounted for:
//   started = recorded = exported + dropped + pending
//
//   ./bazelw run -c opt //bench:soak -- --threads=4 --seconds=10 --spans=100 --delay-ms=1
//
// --threads: spawners, each starting one short-lived thread after another; --spans: spans
// each short-lived thread records; --delay-ms: the exporter's sleep per batch.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "zspan/instrument/zspan.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct SlowExporter {
  std::chrono::milliseconds delay;
  zspan::ExportResult export_batch(const zspan::SpanBatch&) {
    std::this_thread::sleep_for(delay);
    return zspan::ExportResult::success();
  }
};

long arg(int argc, char** argv, const char* name, long fallback) {
  const std::size_t n = std::strlen(name);
  for (int i = 1; i < argc; ++i)
    if (!std::strncmp(argv[i], name, n) && argv[i][n] == '=') return std::atol(argv[i] + n + 1);
  return fallback;
}

long rss_high_water_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  const long spawners = arg(argc, argv, "--threads", 4);
  const long seconds = arg(argc, argv, "--seconds", 10);
  const long spans_per_thread = arg(argc, argv, "--spans", 100);
  const auto delay = std::chrono::milliseconds(arg(argc, argv, "--delay-ms", 1));

  zspan::Tracer<zspan::AlwaysOnSampler, SlowExporter> tracer{"soak", {}, delay};
  const long rss_before = rss_high_water_kib();
  std::atomic<std::uint64_t> started{0}, threads{0}, max_buffer_bytes{0};
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> workers;
  for (long s = 0; s < spawners; ++s)
    workers.emplace_back([&] {
      while (Clock::now() < end) {
        std::thread([&] {
          for (long i = 0; i < spans_per_thread; ++i) {
            TRACE_SCOPE_WITH(tracer, "soak.span");
          }
          started.fetch_add(static_cast<std::uint64_t>(spans_per_thread));
        }).join();
        threads.fetch_add(1);
      }
    });
  std::thread sampler([&] {
    while (Clock::now() < end) {
      const std::uint64_t bytes = zspan::stats().buffer_bytes;
      if (bytes > max_buffer_bytes.load()) max_buffer_bytes.store(bytes);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  for (auto& w : workers) w.join();
  sampler.join();

  const zspan::Stats at_end = zspan::stats();  // before any flush: pending is what waits
  const bool identity_at_end = at_end.spans_recorded == at_end.spans_exported + at_end.spans_dropped() + at_end.spans_pending;
  const bool flushed = tracer.flush(std::chrono::seconds(60));
  const zspan::Stats s = zspan::stats();
  const bool identity = started.load() == s.spans_recorded &&
                        s.spans_recorded == s.spans_exported + s.spans_dropped() + s.spans_pending;

  std::printf("soak: %ld spawners x %ld s, %ld spans per thread, exporter %lld ms per batch\n", spawners, seconds,
              spans_per_thread, static_cast<long long>(delay.count()));
  std::printf("threads started      %llu\n", static_cast<unsigned long long>(threads.load()));
  std::printf("spans started        %llu\n", static_cast<unsigned long long>(started.load()));
  std::printf("at the end (no flush): recorded %llu = exported %llu + dropped %llu + pending %llu: %s\n",
              static_cast<unsigned long long>(at_end.spans_recorded), static_cast<unsigned long long>(at_end.spans_exported),
              static_cast<unsigned long long>(at_end.spans_dropped()), static_cast<unsigned long long>(at_end.spans_pending),
              identity_at_end ? "holds" : "BROKEN");
  std::printf("after flush (%s):  recorded %llu, exported %llu, pending %llu\n", flushed ? "complete" : "timed out",
              static_cast<unsigned long long>(s.spans_recorded), static_cast<unsigned long long>(s.spans_exported),
              static_cast<unsigned long long>(s.spans_pending));
  std::printf("dropped: buffer full %llu, no buffer %llu, queue full %llu, no tracer %llu\n",
              static_cast<unsigned long long>(s.spans_dropped_buffer_full),
              static_cast<unsigned long long>(s.spans_dropped_no_buffer),
              static_cast<unsigned long long>(s.spans_dropped_queue_full),
              static_cast<unsigned long long>(s.spans_dropped_no_tracer));
  std::printf("thread buffers: at most %.1f MiB at once (budget %.0f MiB)\n",
              static_cast<double>(max_buffer_bytes.load()) / (1 << 20),
              static_cast<double>(zspan::kDefaultBufferBudgetBytes) / (1 << 20));
  std::printf("RSS high-water: %.1f MiB (%.1f MiB before the soak)\n", static_cast<double>(rss_high_water_kib()) / 1024,
              static_cast<double>(rss_before) / 1024);
  std::printf("identity started = recorded = exported + dropped + pending: %s\n", identity ? "holds" : "BROKEN");
  return identity && identity_at_end ? 0 : 1;
}
