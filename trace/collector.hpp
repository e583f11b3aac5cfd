// The collecting side: one background thread drains every thread's buffer and hands
// each finished span to the exporter of its tracer. Nothing here runs on the hot path
// except `submit()`: a thread-local load and the ring's fast path (the rest is
// `submit_slow()`, about once per half ring).
//
//   zspan::flush();                 // export everything recorded so far (bounded wait)
//   zspan::Stats s = zspan::stats();
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "trace/span_view.hpp"
#include "trace/thread_buffer.hpp"

namespace zspan {

// What a tracer registers to receive its spans: its exporter behind two plain function
// pointers, called by the collector thread only.
struct SpanSink {
  void* exporter;
  void (*export_span)(void* exporter, const SpanView& span);
  void (*flush)(void* exporter);
};

struct Stats {
  std::uint64_t spans_exported = 0;           // handed to an exporter
  std::uint64_t spans_dropped_buffer_full = 0;  // a thread's buffer had no room
  std::uint64_t spans_dropped_no_buffer = 0;    // no buffer could be made (memory, thread exit)
  std::uint64_t spans_dropped_no_tracer = 0;    // the tracer was gone when the span reached export
  std::uint64_t spans_dropped_exporter_failed = 0;  // the exporter threw on it
  std::uint64_t out_of_order_ends = 0;          // guards ended while not current (see context.hpp)
  std::uint64_t threads_seen = 0;

  // What tracing costs this process. spans_recorded counts the sampled spans that ended
  // (exported or dropped; a span still in its buffer counts after the next drain).
  // span_cost_nanos is the cost of recording one span on this machine, measured once by
  // the collector thread when it starts (0 until then); sampled-out spans, tags and the
  // collector's own work are not included. tracing_nanos = spans_recorded x span_cost_nanos.
  std::uint64_t spans_recorded = 0;
  double span_cost_nanos = 0;
  double tracing_nanos = 0;
};

Stats stats() noexcept;

// The estimated share of this process's CPU time spent recording spans, from stats()
// (e.g. 0.003: "tracing cost 0.3 % of this run"). 0 before the first span.
double tracing_cpu_fraction() noexcept;

// Exports everything recorded before the call. Waits at most `timeout`; returns false
// when that was not enough (a slow exporter), having waited no longer.
bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept;

// Bytes of ring per thread for threads that start recording after the call. A burst of
// more spans than fit, while the collector gets no CPU, is dropped and counted.
inline constexpr std::size_t kDefaultThreadBufferBytes = std::size_t{1} << 20;  // 16 384 spans without tags
void set_thread_buffer_capacity(std::size_t bytes) noexcept;

namespace detail {

// Tracers take a slot (their index in span records) and give it back.
std::uint16_t register_sink(std::string_view service, SpanSink sink) noexcept;
void unregister_sink(std::uint16_t slot) noexcept;
inline constexpr std::uint16_t kNoSinkSlot = 0xfffe;

extern constinit thread_local ThreadBuffer* tls_buffer;

// The rest of submit: attaching the thread's buffer, wrapping, dropping, waking.
void submit_slow(const SpanRecord& record) noexcept;

// Appends a finished span to this thread's buffer.
[[gnu::always_inline]] inline void submit(const SpanRecord& record) noexcept {
  ThreadBuffer* buffer = tls_buffer;
  if (!buffer || !buffer->try_write_fast(record)) [[unlikely]]
    submit_slow(record);
}

}  // namespace detail
}  // namespace zspan
