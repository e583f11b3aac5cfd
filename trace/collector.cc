#include "trace/collector.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <ctime>
#include <limits>

#include "trace/context.hpp"
#include "trace/diagnostics.hpp"
#include "trace/recording.hpp"

namespace zspan {
namespace detail {

constinit thread_local ThreadBuffer* tls_buffer = nullptr;
constinit thread_local ContextNode* tls_current = nullptr;

namespace {

constexpr auto kDrainInterval = std::chrono::milliseconds(10);
constexpr std::size_t kMaxSinks = kNoSinkSlot;

struct SinkSlot {
  bool used = false;
  std::string service;
  SpanSink sink{};
};

struct BufferEntry {
  std::unique_ptr<ThreadBuffer> buffer;
  std::atomic<bool> retired{false};
};

// Owns the buffers, the sinks and the collector thread. Never destroyed: threads and
// static tracers may record and flush during exit, in any order.
class Collector {
 public:
  static Collector& instance() {
    static Collector* collector = new Collector;
    return *collector;
  }

  ThreadBuffer* attach(std::size_t capacity) {
    auto entry = std::make_shared<BufferEntry>();
    entry->buffer = std::make_unique<ThreadBuffer>(capacity);
    ThreadBuffer* buffer = entry->buffer.get();
    {
      std::lock_guard lock(buffers_mutex_);
      buffers_.push_back(entry);
      ++threads_seen_;
    }
    start_thread_once();
    retire_at_thread_exit(std::move(entry));
    return buffer;
  }

  std::uint16_t register_sink(std::string_view service, SpanSink sink) {
    std::lock_guard lock(dispatch_mutex_);
    for (std::size_t i = 0; i < sinks_.size(); ++i) {
      if (!sinks_[i].used) {
        sinks_[i] = {true, std::string(service), sink};
        start_thread_once();
        return static_cast<std::uint16_t>(i);
      }
    }
    return kNoSinkSlot;
  }

  void unregister_sink(std::uint16_t slot) {
    std::lock_guard lock(dispatch_mutex_);
    if (slot < sinks_.size()) sinks_[slot] = {};
  }

  void wake() {
    if (wake_pending_.load(std::memory_order_relaxed) || wake_pending_.exchange(true)) return;
    wake_cv_.notify_one();
  }

  bool flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(cycle_mutex_);
    if (std::this_thread::get_id() == thread_id_) return false;  // an exporter flushing itself
    if (!thread_started_) return true;
    const std::uint64_t wanted = ++flush_requested_;
    wake_pending_.store(true);
    wake_cv_.notify_one();
    return done_cv_.wait_for(lock, timeout, [&] { return flush_completed_ >= wanted; });
  }

  Stats stats() {
    Stats s;
    s.spans_exported = exported_.load(std::memory_order_relaxed);
    s.spans_dropped_no_buffer = no_buffer_.load(std::memory_order_relaxed);
    s.spans_dropped_no_tracer = no_tracer_.load(std::memory_order_relaxed);
    s.spans_dropped_exporter_failed = exporter_failed_.load(std::memory_order_relaxed);
    s.out_of_order_ends = out_of_order_.load(std::memory_order_relaxed);
    std::lock_guard lock(buffers_mutex_);
    s.spans_dropped_buffer_full = dropped_by_retired_buffers_;
    for (const auto& entry : buffers_) s.spans_dropped_buffer_full += entry->buffer->dropped();
    s.threads_seen = threads_seen_;
    s.spans_recorded = s.spans_exported + s.spans_dropped_buffer_full + s.spans_dropped_no_buffer +
                       s.spans_dropped_no_tracer + s.spans_dropped_exporter_failed;
    s.span_cost_nanos = span_cost_nanos_.load(std::memory_order_relaxed);
    s.tracing_nanos = static_cast<double>(s.spans_recorded) * s.span_cost_nanos;
    return s;
  }

  std::atomic<std::uint64_t> no_buffer_{0};
  std::atomic<std::uint64_t> out_of_order_{0};
  std::atomic<std::size_t> buffer_capacity_{kDefaultThreadBufferBytes};

 private:
  Collector() = default;

  void start_thread_once() {
    std::call_once(started_, [this] {
      try {
        std::thread([this] { run(); }).detach();
        std::lock_guard lock(cycle_mutex_);
        thread_started_ = true;
      } catch (...) {
        start_failed_.emit("spans stay in their thread buffers and are dropped when those fill");
      }
    });
  }

  static void retire_at_thread_exit(std::shared_ptr<BufferEntry> entry) {
    struct Retire {
      std::shared_ptr<BufferEntry> entry;
      ~Retire() {
        tls_buffer = nullptr;
        if (entry) entry->retired.store(true, std::memory_order_release);
      }
    };
    thread_local Retire retire;
    retire.entry = std::move(entry);
  }

  void run() {
    {
      std::lock_guard lock(cycle_mutex_);  // flush() reads it from other threads
      thread_id_ = std::this_thread::get_id();
    }
    span_cost_nanos_.store(measure_span_cost(), std::memory_order_relaxed);
    for (;;) {
      std::uint64_t flush_target;
      {
        std::unique_lock lock(cycle_mutex_);
        wake_cv_.wait_for(lock, kDrainInterval, [&] { return wake_pending_.load(); });
        wake_pending_.store(false);
        flush_target = flush_requested_;
      }
      drain_all();
      {
        std::lock_guard lock(cycle_mutex_);
        flush_completed_ = flush_target;
      }
      done_cv_.notify_all();
    }
  }

  void drain_all() {
    std::vector<std::shared_ptr<BufferEntry>> buffers;
    {
      std::lock_guard lock(buffers_mutex_);
      buffers = buffers_;
    }
    std::lock_guard exporting(dispatch_mutex_);
    touched_.fill(false);
    for (const auto& entry : buffers) {
      // Read `retired` first: a buffer retired before its last drain has nothing after it.
      const bool retired = entry->retired.load(std::memory_order_acquire);
      std::uint64_t exported = 0;
      entry->buffer->drain([&](const SpanRecord& record) { exported += dispatch(record); });
      exported_.fetch_add(exported, std::memory_order_relaxed);
      if (retired) forget(entry);
    }
    for (std::size_t i = 0; i < sinks_.size(); ++i)
      if (touched_[i] && sinks_[i].used && sinks_[i].sink.flush)
        call_exporter([&] { sinks_[i].sink.flush(sinks_[i].sink.exporter); });
  }

  // Called with dispatch_mutex_ held. Returns whether an exporter took the span.
  bool dispatch(const SpanRecord& record) {
    if (record.tracer >= sinks_.size() || !sinks_[record.tracer].used) [[unlikely]] {
      no_tracer_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    const SinkSlot& slot = sinks_[record.tracer];
    touched_[record.tracer] = true;
    if (call_exporter([&] { slot.sink.export_span(slot.sink.exporter, SpanView(record, slot.service)); }))
      return true;
    exporter_failed_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

  // Runs an exporter's call; false (and a rate-limited message) if it threw.
  template <class F>
  bool call_exporter(F&& f) {
    try {
      f();
      return true;
    } catch (const std::exception& e) {
      exporter_threw_.emit("{}", e.what());
    } catch (...) {
      exporter_threw_.emit();
    }
    return false;
  }

  void forget(const std::shared_ptr<BufferEntry>& entry) {
    std::lock_guard lock(buffers_mutex_);
    dropped_by_retired_buffers_ += entry->buffer->dropped();
    std::erase(buffers_, entry);
  }

  std::mutex buffers_mutex_;
  std::vector<std::shared_ptr<BufferEntry>> buffers_;
  std::uint64_t dropped_by_retired_buffers_ = 0;
  std::uint64_t threads_seen_ = 0;

  std::mutex dispatch_mutex_;  // held while exporting: a tracer unregisters between cycles
  std::array<SinkSlot, kMaxSinks> sinks_{};
  std::array<bool, kMaxSinks> touched_{};  // sinks that got spans this cycle, to flush

  std::once_flag started_;
  std::mutex cycle_mutex_;
  std::condition_variable wake_cv_, done_cv_;
  std::atomic<bool> wake_pending_{false};
  bool thread_started_ = false;
  std::uint64_t flush_requested_ = 0, flush_completed_ = 0;
  std::thread::id thread_id_;

  // The hot path of a sampled root span without tags, timed on this thread (off every
  // user thread) into a private buffer: start, make current, end, copy to the buffer.
  // The best of a few rounds, as the machine is not idle.
  static double measure_span_cost() noexcept {
    struct CalibrationTracer {
      static constexpr bool should_sample(const SamplingInput&) noexcept { return true; }
      std::uint16_t slot() const noexcept { return kNoSinkSlot; }
    };
    static constexpr Callsite kCallsite{"zspan.calibration", "measure_span_cost", __FILE__, __LINE__, Level::kInfo};
    constexpr int kSpans = 2000;
    try {
      ThreadBuffer buffer(std::size_t{1} << 20);  // never half full: 2000 x 64 bytes
      CalibrationTracer tracer;
      ContextSwap no_context(nullptr);
      double best = std::numeric_limits<double>::infinity();
      for (int round = 0; round < 5; ++round) {
        const std::uint64_t t0 = steady_nanos();
        for (int i = 0; i < kSpans; ++i) {
          struct {
            ContextNode node;
            std::byte fields[64];  // as a span guard has
          } span;
          init_span(span.node, kCallsite, tracer, sizeof(span.fields));
          push(&span.node);
          asm volatile("" ::: "memory");  // the span's work
          pop(&span.node);
          span.node.record.end_ticks = now_ticks();
          buffer.try_write(span.node.record);
        }
        const std::uint64_t t1 = steady_nanos();
        buffer.drain([](const SpanRecord&) {});
        best = std::min(best, static_cast<double>(t1 - t0) / kSpans);
      }
      return best;
    } catch (...) {
      return 0;
    }
  }

  std::atomic<double> span_cost_nanos_{0};
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> no_tracer_{0};
  std::atomic<std::uint64_t> exporter_failed_{0};
  RateLimitedWarning exporter_threw_{"zspan: an exporter threw; its span is lost"};
  RateLimitedWarning start_failed_{"zspan: could not start the collector thread"};
};

}  // namespace

std::uint16_t register_sink(std::string_view service, SpanSink sink) noexcept {
  try {
    return Collector::instance().register_sink(service, sink);
  } catch (...) {
    return kNoSinkSlot;
  }
}

void unregister_sink(std::uint16_t slot) noexcept { Collector::instance().unregister_sink(slot); }

namespace {

ThreadBuffer* attach_thread_buffer() noexcept {
  // A thread that already retired its buffer (a span ending in a thread_local destructor)
  // gets no new one: it could never be retired again.
  static thread_local bool attached_before = false;
  if (attached_before) return nullptr;
  try {
    Collector& c = Collector::instance();
    tls_buffer = c.attach(c.buffer_capacity_.load(std::memory_order_relaxed));
    attached_before = true;
    return tls_buffer;
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

void submit_slow(const SpanRecord& record) noexcept {
  ThreadBuffer* buffer = tls_buffer;
  if (!buffer) {
    buffer = attach_thread_buffer();
    if (!buffer) {
      Collector::instance().no_buffer_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  switch (buffer->try_write(record)) {
    case ThreadBuffer::WriteResult::kWritten: break;
    case ThreadBuffer::WriteResult::kWrittenPastHalf: Collector::instance().wake(); break;
    case ThreadBuffer::WriteResult::kDropped:
      static RateLimitedWarning buffer_full{
          "zspan: a thread's span buffer is full (export is not keeping up); spans are dropped and counted in "
          "zspan::stats()"};
      buffer_full.emit("{} bytes per thread, set_thread_buffer_capacity() to change", buffer->capacity());
      Collector::instance().wake();
      break;
  }
}

void unlink_out_of_order(ContextNode* node) noexcept {
  Collector::instance().out_of_order_.fetch_add(1, std::memory_order_relaxed);
  for (ContextNode* n = tls_current; n; n = n->prev) {
    if (n->prev == node) {
      n->prev = node->prev;
      return;
    }
  }
}

}  // namespace detail

Stats stats() noexcept {
  try {
    return detail::Collector::instance().stats();
  } catch (...) {
    return {};
  }
}

double tracing_cpu_fraction() noexcept {
  timespec cpu{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) != 0) return 0;
  const double cpu_nanos = static_cast<double>(cpu.tv_sec) * 1e9 + static_cast<double>(cpu.tv_nsec);
  return cpu_nanos > 0 ? std::min(1.0, stats().tracing_nanos / cpu_nanos) : 0;
}

bool flush(std::chrono::milliseconds timeout) noexcept {
  try {
    return detail::Collector::instance().flush(timeout);
  } catch (...) {
    return false;
  }
}

void set_thread_buffer_capacity(std::size_t bytes) noexcept {
  detail::Collector::instance().buffer_capacity_.store(bytes, std::memory_order_relaxed);
}

ThreadBuffer::ThreadBuffer(std::size_t capacity_bytes)
    : capacity_(std::bit_ceil(std::max<std::size_t>(capacity_bytes, 4096))),
      mask_(capacity_ - 1),
      data_(new std::byte[capacity_]) {
  update_limit(0);
}

ThreadBuffer::WriteResult ThreadBuffer::write_slow(const SpanRecord& record) noexcept {
  const std::uint64_t size = record.size_bytes;
  const std::uint64_t head = head_.load(std::memory_order_relaxed);
  const std::uint64_t pos = head & mask_;
  const std::uint64_t room_to_end = capacity_ - pos;
  const std::uint64_t skip = room_to_end < size ? room_to_end : 0;
  cached_tail_ = tail_.load(std::memory_order_acquire);
  if (head + skip + size - cached_tail_ > capacity_) {
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    update_limit(head);
    return WriteResult::kDropped;
  }
  std::byte* at = data_.get() + pos;
  if (skip) {
    // Marks the unused end of the lap; the record goes whole at the ring's start.
    const std::uint32_t pad_size = static_cast<std::uint32_t>(skip);
    const std::uint16_t pad_tracer = kPaddingTracer;
    std::memcpy(at + offsetof(SpanRecord, size_bytes), &pad_size, sizeof(pad_size));
    std::memcpy(at + offsetof(SpanRecord, tracer), &pad_tracer, sizeof(pad_tracer));
    at = data_.get();
  }
  copy_record(at, record, size);
  const std::uint64_t new_head = head + skip + size;
  head_.store(new_head, std::memory_order_release);
  update_limit(new_head);
  return new_head - cached_tail_ > capacity_ / 2 ? WriteResult::kWrittenPastHalf : WriteResult::kWritten;
}

}  // namespace zspan
