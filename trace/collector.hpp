// The collecting side: one background thread drains every thread's buffer and hands each
// finished span to the export pipeline of its tracer (trace/export/pipeline.hpp), where
// the exporter's own worker exports it. The collector never calls an exporter, so
// nothing it does waits for one. Nothing here runs on the hot path except `submit()`: a
// thread-local load and the ring's fast path (the rest is `submit_slow()`, about once per
// half ring).
//
//   zspan::flush();                 // export everything recorded so far (bounded wait)
//   zspan::Stats s = zspan::stats();
//
// Lifecycle, for programs that care how they end:
//  - Normal exit (return from main, exit()): every span that ended before is exported
//    within OTEL_BSP_EXPORT_TIMEOUT or counted as dropped, whether its tracer was destroyed
//    or not. Static tracers destroyed before that flush their own spans; any destroyed
//    after find their exporters already shut down. quick_exit, _exit and signals skip this.
//  - fork(): the child starts with empty buffers and queues (the parent exports what it
//    had) and records and exports on its own, or records nothing if the program said so
//    (set_fork_policy). fork() waits for no exporter, only for a drain cycle in progress.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "zspan/trace/export/pipeline.hpp"
#include "zspan/trace/internal/thread_buffer.hpp"
#include "zspan/trace/internal/thread_state.hpp"

namespace zspan {

class TracerBase;

// What happened to the spans of this process. Read at any moment, the counts satisfy
//   spans_recorded = spans_exported + spans_dropped() + spans_pending
// exactly; a span that Fanout sends to several exporters counts once per exporter from
// the moment it leaves its thread's buffer.
struct Stats {
  std::uint64_t spans_recorded = 0;  // sampled spans that ended
  std::uint64_t spans_exported = 0;  // delivered by an exporter
  std::uint64_t spans_pending = 0;   // in thread buffers and exporter queues

  std::uint64_t spans_dropped_buffer_full = 0;      // a thread's buffer had no room
  std::uint64_t spans_dropped_no_buffer = 0;        // no buffer: memory, the buffer budget, thread exit
  std::uint64_t spans_dropped_no_tracer = 0;        // the tracer was gone when the span was drained
  std::uint64_t spans_dropped_queue_full = 0;       // an exporter's queue was full
  std::uint64_t spans_rejected = 0;                 // refused by a backend
  std::uint64_t spans_dropped_exporter_failed = 0;  // an exporter threw
  std::uint64_t spans_dropped_shutdown = 0;         // unsent when shutdown or exit ran out of time
  std::uint64_t spans_dropped() const noexcept {
    return spans_dropped_buffer_full + spans_dropped_no_buffer + spans_dropped_no_tracer + spans_dropped_queue_full +
           spans_rejected + spans_dropped_exporter_failed + spans_dropped_shutdown;
  }

  std::vector<ExporterStats> exporters;  // each live exporter; those gone are in the totals
  std::uint64_t out_of_order_ends = 0;   // guards ended while not current (see context.hpp)
  std::uint64_t names_truncated = 0;     // run-time span names and tag keys cut (run_time_name.hpp)
  std::uint64_t threads_seen = 0;
  std::uint64_t buffer_bytes = 0;        // thread buffers allocated now

  // What tracing costs this process. span_cost_nanos is the cost of recording one span
  // on this machine, measured once by the collector thread when it starts (0 until then;
  // trace/self_measurement.hpp says what it includes). tracing_nanos = spans_recorded x
  // span_cost_nanos.
  double span_cost_nanos = 0;
  double tracing_nanos = 0;
};

Stats stats() noexcept;

// The estimated share of this process's CPU time spent recording spans, from stats()
// (e.g. 0.003: "tracing cost 0.3 % of this run"). 0 before the first span.
double tracing_cpu_fraction() noexcept;

// Exports everything recorded before the call, through every exporter. Waits at most
// `timeout`; returns false when that was not enough (a slow exporter), having waited no
// longer. The other exporters are flushed meanwhile all the same.
bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept;

// The ring a thread grows to on its own. A thread starts with 16 KiB and doubles its ring
// when it is found half full, up to this and within the budget below, so that short-lived
// threads cost little. A thread whose ring of this size still drops spans (a burst while
// the collector gets no CPU) borrows from the budget: its ring doubles at each run of
// drops, up to 4 times this and a quarter of the budget, and goes back to this size once
// the burst is over (a second without drops). What does not fit even so is dropped and
// counted.
inline constexpr std::size_t kDefaultThreadBufferBytes = std::size_t{1} << 20;  // 16 384 spans without tags
void set_thread_buffer_capacity(std::size_t bytes) noexcept;

// Gives the calling thread its ring of the full capacity now, so that it never grows on
// the way (a latency-critical thread, a benchmark). False if the budget could not spare it.
bool reserve_thread_buffer() noexcept;

// The most memory all thread buffers together may take, whatever the number of threads
// and their bursts. A thread that starts recording when the budget is short gets a smaller
// ring (a quarter of what is left), or none (its spans are counted as
// spans_dropped_no_buffer) until buffers of exited threads are freed; a bursting thread
// borrows only what is left.
inline constexpr std::size_t kDefaultBufferBudgetBytes = std::size_t{64} << 20;
void set_buffer_budget(std::size_t bytes) noexcept;

enum class ForkPolicy : std::uint8_t {
  kChildRecords,         // the child traces as the parent did, with its own buffers and exporters
  kChildRecordsNothing,  // the child's tracers sample nothing (ids still propagate)
};
void set_fork_policy(ForkPolicy policy) noexcept;

namespace detail {

// Tracers register their exporters' pipelines under a slot (their index in span records)
// and give it back; unregistering first drains what the tracer's spans recorded.
std::uint16_t register_sink(std::string_view service, TracerBase* tracer,
                            std::vector<std::shared_ptr<Pipeline>> pipelines) noexcept;
void unregister_sink(std::uint16_t slot) noexcept;
inline constexpr std::uint16_t kNoSinkSlot = 0xfffe;

// Drains every buffer now, then flushes these pipelines; false if `deadline` came first.
bool flush_pipelines(const std::vector<std::shared_ptr<Pipeline>>& pipelines,
                     std::chrono::steady_clock::time_point deadline) noexcept;

// Drains every thread's buffer into the exporters' queues now, on the calling thread (what
// the collector thread does each cycle); returns how many spans it took. For measuring the
// collector (bench/pipeline_bench.cc) and for tests.
std::size_t drain_now() noexcept;

// The rest of submit: attaching the thread's buffer, wrapping, dropping, waking.
void submit_slow(const SpanRecord& record) noexcept;

// Appends a finished span to this thread's buffer. kSize: see ThreadBuffer::try_write_fast.
template <std::uint32_t kSize = 0>
[[gnu::always_inline]] inline void submit(const SpanRecord& record) noexcept {
  if (!tls_state.buffer->try_write_fast<kSize>(record)) [[unlikely]] submit_slow(record);
}

}  // namespace detail
}  // namespace zspan
