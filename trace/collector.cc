#include "zspan/trace/collector.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "zspan/trace/clock.hpp"
#include "zspan/trace/context.hpp"
#include "zspan/trace/diagnostics.hpp"
#include "zspan/trace/run_time_name.hpp"
#include "zspan/trace/self_measurement.hpp"
#include "zspan/trace/tracer.hpp"

namespace zspan {
namespace detail {

namespace {
constinit ThreadBuffer g_no_ring{ThreadBuffer::NoRing{}};
bool has_ring() noexcept { return tls_state.buffer != &g_no_ring; }
}  // namespace

constinit thread_local ThreadState tls_state{nullptr, &g_no_ring, 0};

namespace {

constexpr auto kDrainInterval = std::chrono::milliseconds(10);
constexpr std::size_t kBusyDrainSpans = 1024;
constexpr std::size_t kMinRingBytes = 4096;
constexpr std::size_t kFirstRingBytes = 16384;  // rings grow from here to the thread capacity

struct BufferEntry {
  // kReplaced: its thread moved to another ring (bigger, or smaller after a burst).
  enum class State { kLive, kReplaced, kThreadExited };
  std::unique_ptr<ThreadBuffer> buffer;
  std::atomic<State> state{State::kLive};
};

struct Sink {
  bool used = false;
  const std::string* service = nullptr;  // interned: valid for the life of the process
  TracerBase* tracer = nullptr;
  std::vector<std::shared_ptr<Pipeline>> pipelines;
};

// Owns the buffers, the sink registry and the collector thread. Never destroyed: threads
// and static tracers may record and flush during exit, in any order.
//
// Locks, always taken in this order: drain_mutex_ (one consumer of the rings at a time;
// the registry), buffers_mutex_ (the list of buffers), pipelines_mutex_, a pipeline's own.
// None is held while an exporter runs.
class Collector {
 public:
  static Collector& instance() {
    static Collector* collector = new Collector;
    return *collector;
  }

  // A ring for this thread: the first, a bigger one when it keeps filling, or a smaller one
  // when a burst is over (the old one retires: drained, then freed). `wanted`, or less
  // when the budget is short, but never less than `at_least`: nullptr then.
  ThreadBuffer* attach_ring(std::size_t wanted, std::size_t at_least) {
    std::shared_ptr<BufferEntry> entry;
    {
      std::lock_guard lock(buffers_mutex_);
      const std::size_t budget = buffer_budget_.load(std::memory_order_relaxed);
      const std::size_t left = budget > buffer_bytes_ ? budget - buffer_bytes_ : 0;
      std::size_t capacity = std::bit_ceil(std::max(wanted, kMinRingBytes));
      if (capacity > left) capacity = std::bit_floor(std::max<std::size_t>(left / 4, 1));
      if (capacity < std::max(at_least, kMinRingBytes)) return nullptr;
      entry = std::make_shared<BufferEntry>();
      entry->buffer = std::make_unique<ThreadBuffer>(capacity);
      buffers_.push_back(entry);
      buffer_bytes_ += capacity;
      if (!has_ring()) ++threads_seen_;
    }
    ensure_thread();
    tls_state.buffer = entry->buffer.get();
    retire_at_thread_exit(std::move(entry));
    return tls_state.buffer;
  }

  std::uint16_t register_sink(std::string_view service, TracerBase* tracer,
                              std::vector<std::shared_ptr<Pipeline>> pipelines) {
    std::lock_guard lock(drain_mutex_);
    std::uint16_t slot;
    if (!free_slots_.empty()) {
      slot = free_slots_.front();
      free_slots_.pop_front();
    } else if (sinks_.size() < kNoSinkSlot) {
      slot = static_cast<std::uint16_t>(sinks_.size());
      sinks_.emplace_back();
    } else {
      return kNoSinkSlot;
    }
    sinks_[slot] = Sink{true, intern(service), tracer, std::move(pipelines)};
    ensure_thread();
    return slot;
  }

  void unregister_sink(std::uint16_t slot) {
    std::lock_guard lock(drain_mutex_);
    if (!live_sink(slot)) return;
    drain_all(Leave::kTakeAll);  // what the tracer's spans recorded goes to its exporters first
    sinks_[slot] = {};
    // Slots are reused oldest first, so that a span of a tracer just gone, still in
    // some buffer, is not taken for a new tracer's.
    free_slots_.push_back(slot);
  }

  void wake() {
    ensure_thread();
    if (wake_pending_.load(std::memory_order_relaxed) || wake_pending_.exchange(true)) return;
    wake_cv_.notify_one();
  }

  // What one drain did: spans taken from the rings, and whether it left some for a queue
  // that is full but keeping up (Pipeline::spans_to_take).
  struct Drained {
    std::size_t spans = 0;
    bool left_some = false;
  };
  // kMayLeave: the collector's cycle and flush, which come back for what they leave.
  // kTakeAll: exit and a tracer that goes, which do not; a full queue drops and counts.
  enum class Leave : bool { kTakeAll, kMayLeave };
  Drained drain_now(Leave leave) {
    std::lock_guard lock(drain_mutex_);
    return drain_all(leave);
  }

  // A queue the collector waits for has room: the collector thread is woken, and so is
  // any flush waiting for it.
  void queue_has_room() {
    {
      std::lock_guard lock(wake_mutex_);
      ++room_made_;
    }
    room_cv_.notify_all();
    wake();
  }

  // Takes what was recorded before the call into the exporters' queues, waiting until
  // `deadline` for full queues that are keeping up to make room (and taking what is still
  // left then: a full queue drops and counts it).
  void drain_until_queued(std::chrono::steady_clock::time_point deadline) {
    std::vector<std::pair<std::shared_ptr<BufferEntry>, std::uint64_t>> recorded;
    {
      std::lock_guard lock(buffers_mutex_);
      for (const auto& entry : buffers_) recorded.emplace_back(entry, entry->buffer->written_bytes());
    }
    auto all_taken = [&] {
      return std::all_of(recorded.begin(), recorded.end(),
                         [](const auto& r) { return r.first->buffer->taken_bytes() >= r.second; });
    };
    while (std::chrono::steady_clock::now() < deadline) {
      std::uint64_t seen;
      {
        std::lock_guard lock(wake_mutex_);
        seen = room_made_;
      }
      const bool left_some = drain_now(Leave::kMayLeave).left_some;
      if (all_taken()) return;
      if (!left_some) continue;  // a drain takes at most a ring's worth: another
      // Until a queue has room, or its exporter has been in a call too long to be waited for.
      std::unique_lock lock(wake_mutex_);
      room_cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + Pipeline::kKeepingUp),
                          [&] { return room_made_ != seen; });
    }
    drain_now(Leave::kTakeAll);
  }

  std::vector<std::shared_ptr<Pipeline>> live_pipelines() {
    std::lock_guard lock(pipelines_mutex_);
    std::vector<std::shared_ptr<Pipeline>> live;
    std::erase_if(pipelines_, [&](const std::weak_ptr<Pipeline>& w) {
      std::shared_ptr<Pipeline> p = w.lock();
      if (!p) return true;
      live.push_back(std::move(p));
      return false;
    });
    return live;
  }

  void track(const std::shared_ptr<Pipeline>& p) {
    std::lock_guard lock(pipelines_mutex_);
    pipelines_.push_back(p);
    register_exit_and_fork_handlers();
  }

  void retire(const ExporterStats& s) noexcept {
    ExporterStats gone = s;
    gone.dropped_shutdown += gone.pending;  // none is left pending once it is gone
    gone.pending = 0;
    std::lock_guard lock(pipelines_mutex_);
    retired_ += gone;
  }

  Stats stats() {
    Stats s;
    // The drain lock holds spans still between buffers and queues; each pipeline's own
    // lock holds its worker's counts: every span is counted in exactly one place.
    std::lock_guard drain(drain_mutex_);
    {
      std::lock_guard lock(buffers_mutex_);
      s.spans_dropped_buffer_full = dropped_by_retired_buffers_;
      for (const auto& entry : buffers_) {
        s.spans_dropped_buffer_full += entry->buffer->dropped();
        s.spans_pending += entry->buffer->count_pending();
      }
      s.threads_seen = threads_seen_;
      s.buffer_bytes = buffer_bytes_;
    }
    s.spans_dropped_no_buffer = no_buffer_.load(std::memory_order_relaxed);
    s.spans_dropped_no_tracer = no_tracer_;
    s.out_of_order_ends = out_of_order_ends();
    s.names_truncated = names_truncated();
    ExporterStats total;
    {
      std::lock_guard lock(pipelines_mutex_);
      total = retired_;
    }
    for (const auto& p : live_pipelines()) {
      ExporterStats e = p->stats();
      total += e;
      s.exporters.push_back(std::move(e));
    }
    s.spans_exported = total.exported;
    s.spans_pending += total.pending;
    s.spans_dropped_queue_full = total.dropped_queue_full;
    s.spans_rejected = total.rejected;
    s.spans_dropped_exporter_failed = total.dropped_failed;
    s.spans_dropped_shutdown = total.dropped_shutdown;
    s.spans_recorded = s.spans_exported + s.spans_dropped() + s.spans_pending;
    s.span_cost_nanos = span_cost_nanos_.load(std::memory_order_relaxed);
    s.tracing_nanos = static_cast<double>(s.spans_recorded) * s.span_cost_nanos;
    return s;
  }

  std::atomic<std::uint64_t> no_buffer_{0};
  std::atomic<std::size_t> buffer_capacity_{kDefaultThreadBufferBytes};
  std::atomic<std::size_t> buffer_budget_{kDefaultBufferBudgetBytes};
  std::atomic<ForkPolicy> fork_policy_{ForkPolicy::kChildRecords};

  void ensure_thread() noexcept {
    if (thread_running_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(wake_mutex_);
    if (thread_running_.load(std::memory_order_relaxed)) return;
    try {
      std::thread([this, generation = thread_generation_] { run(generation); }).detach();
      thread_running_.store(true, std::memory_order_release);
    } catch (...) {
      start_failed_.emit("spans wait in their thread buffers for flush() and exit, and are dropped when those fill");
    }
  }

 private:
  Collector() = default;

  const std::string* intern(std::string_view service) {
    for (const std::string& s : services_)
      if (s == service) return &s;
    return &services_.emplace_back(service);
  }

  // Holds the thread's current ring and retires it when the thread exits or replaces it.
  static void retire_at_thread_exit(std::shared_ptr<BufferEntry> entry) {
    struct Retire {
      std::shared_ptr<BufferEntry> entry;
      ~Retire() {
        tls_state.buffer = &g_no_ring;
        if (entry) entry->state.store(BufferEntry::State::kThreadExited, std::memory_order_release);
      }
    };
    thread_local Retire retire;
    if (retire.entry) retire.entry->state.store(BufferEntry::State::kReplaced, std::memory_order_release);
    retire.entry = std::move(entry);
  }

  void run(std::uint64_t generation) {
    if (!tsc_invariant()) {
      static RateLimitedWarning variable_tsc{"zspan: this CPU does not report an invariant TSC"};
      variable_tsc.emit("span durations follow its frequency changes; build with -DZSPAN_STEADY_CLOCK if they matter");
    }
    if (span_cost_nanos_.load(std::memory_order_relaxed) == 0)
      span_cost_nanos_.store(measure_span_cost(), std::memory_order_relaxed);
    // A drain that took kBusyDrainSpans or more is followed by the next at once, not after
    // a wait: threads recording that fast would fill their rings before a wake reached a
    // sleeping collector on a busy machine. (No yield between: the scheduler would give
    // the collector's turn to the threads it cannot keep up with.)
    for (bool busy = false;;) {
      if (busy) {
        std::lock_guard lock(wake_mutex_);
        if (generation != thread_generation_) return;
      } else {
        std::unique_lock lock(wake_mutex_);
        wake_cv_.wait_for(lock, kDrainInterval, [&] { return wake_pending_.load(); });
        wake_pending_.store(false);
        if (generation != thread_generation_) return;  // replaced (never after fork: no thread there)
      }
      busy = drain_now(Leave::kMayLeave).spans >= kBusyDrainSpans;
    }
  }

  // With drain_mutex_ held.
  Drained drain_all(Leave leave) {
    std::vector<std::shared_ptr<BufferEntry>> buffers;
    {
      std::lock_guard lock(buffers_mutex_);
      buffers = buffers_;
    }
    Drained drained;
    for (const auto& entry : buffers) {
      // Read the state first: a ring retired before its last drain has nothing after it.
      // Nothing stays in the ring of a thread that exited: its memory goes back to the
      // budget now, for the threads that record. A ring its thread replaced has no writer
      // left to run short of room: its spans wait for their exporter however full it is,
      // and it goes once it is empty.
      const BufferEntry::State state = entry->state.load(std::memory_order_acquire);
      const bool may_leave = leave == Leave::kMayLeave && state != BufferEntry::State::kThreadExited;
      const bool writer_gone = state != BufferEntry::State::kLive;
      drained.spans += entry->buffer->drain([&](const RecordRun& run) {
        const std::uint32_t take = may_leave && (run.may_stay || writer_gone) ? spans_to_take(run) : run.count;
        if (take != 0) dispatch(take == run.count ? run : run.first(take));
        drained.left_some = drained.left_some || take != run.count;
        return take;
      });
      if (writer_gone && entry->buffer->taken_bytes() == entry->buffer->written_bytes()) forget(entry);
    }
    for (const Sink& sink : sinks_)
      if (sink.used)
        for (const auto& p : sink.pipelines) p->publish();
    return drained;
  }

  // As many as every exporter of the run's tracer should be offered (Pipeline::spans_to_take).
  // Other tracers' spans after the rest in the ring wait too: for the exporter's next
  // batch, and only while the ring is less than half full (RecordRun::may_stay) or no
  // longer written, so that the writer never runs short for them.
  std::uint32_t spans_to_take(const RecordRun& run) noexcept {
    std::uint64_t take = run.count;
    if (const Sink* sink = live_sink(run.tracer))
      for (const auto& p : sink->pipelines) take = std::min(take, p->spans_to_take(run.count));
    return static_cast<std::uint32_t>(take);
  }

  // With drain_mutex_ held.
  void dispatch(const RecordRun& run) noexcept {
    const Sink* sink = live_sink(run.tracer);
    if (!sink) [[unlikely]] {
      no_tracer_ += run.count;
      return;
    }
    // Before any exporter sees them, and once for all: spans whose ids nobody read.
    LocalIdState ids;
    run.for_each([&](SpanRecord& record) { record.mint_missing_ids(ids); });
    for (const auto& p : sink->pipelines) p->offer(run, *sink->service);
  }

  // With drain_mutex_ held: the tracer registered under `slot`, or nullptr.
  const Sink* live_sink(std::uint16_t slot) const noexcept {
    return slot < sinks_.size() && sinks_[slot].used ? &sinks_[slot] : nullptr;
  }

  void forget(const std::shared_ptr<BufferEntry>& entry) {
    std::lock_guard lock(buffers_mutex_);
    dropped_by_retired_buffers_ += entry->buffer->dropped();
    buffer_bytes_ -= entry->buffer->capacity();
    std::erase(buffers_, entry);
  }

  // ---- exit and fork ----

  void register_exit_and_fork_handlers() {
    std::call_once(handlers_registered_, [] {
      std::atexit([] { instance().shutdown_at_exit(); });
      pthread_atfork([] { instance().before_fork(); }, [] { instance().after_fork_in_parent(); },
                     [] { instance().after_fork_in_child(); });
    });
  }

  // Every exporter at once, within the longest export timeout among them.
  void shutdown_at_exit() noexcept {
    try {
      drain_now(Leave::kTakeAll);
      const auto pipelines = live_pipelines();
      std::chrono::milliseconds timeout{0};
      for (const auto& p : pipelines) timeout = std::max(timeout, p->options().export_timeout);
      const auto deadline = Pipeline::Clock::now() + timeout;
      for (const auto& p : pipelines) p->request_shutdown(deadline);
      for (const auto& p : pipelines) p->wait_stopped(deadline);
    } catch (...) {
      // Out of memory at exit: what is left stays counted as pending.
    }
  }

  void before_fork() noexcept {
    drain_mutex_.lock();
    buffers_mutex_.lock();
    pipelines_mutex_.lock();
    forking_pipelines_.clear();
    for (const auto& w : pipelines_)
      if (auto p = w.lock()) forking_pipelines_.push_back(std::move(p));
    for (const auto& p : forking_pipelines_) p->lock_for_fork();
    wake_mutex_.lock();
  }

  void after_fork_in_parent() noexcept {
    wake_mutex_.unlock();
    for (const auto& p : forking_pipelines_) p->unlock_for_fork();
    pipelines_mutex_.unlock();
    buffers_mutex_.unlock();
    drain_mutex_.unlock();
    forking_pipelines_.clear();
  }

  // Only this thread exists in the child. Locks and condition variables start over, the
  // parent's buffered and queued spans are left to the parent, counts start at zero.
  void after_fork_in_child() noexcept {
    new (&drain_mutex_) std::mutex;
    new (&buffers_mutex_) std::mutex;
    new (&pipelines_mutex_) std::mutex;
    new (&wake_mutex_) std::mutex;
    new (&wake_cv_) std::condition_variable;
    new (&room_cv_) std::condition_variable;
    for (const auto& p : forking_pipelines_) p->reset_in_fork_child();
    forking_pipelines_.clear();
    ++thread_generation_;
    thread_running_.store(false);
    wake_pending_.store(false);

    ThreadBuffer* own = tls_state.buffer;
    std::erase_if(buffers_, [&](const std::shared_ptr<BufferEntry>& e) { return e->buffer.get() != own; });
    buffer_bytes_ = 0;
    for (const auto& e : buffers_) {
      e->buffer->reset_in_fork_child();
      buffer_bytes_ += e->buffer->capacity();
    }
    threads_seen_ = buffers_.size();
    dropped_by_retired_buffers_ = 0;
    no_tracer_ = 0;
    no_buffer_.store(0);
    retired_ = {};
    if (fork_policy_.load() == ForkPolicy::kChildRecordsNothing) {
      for (Sink& sink : sinks_)
        if (sink.used && sink.tracer) sink.tracer->stop_recording();
    }
  }

  std::mutex drain_mutex_;
  std::vector<Sink> sinks_;  // by slot, as many as tracers have needed
  std::deque<std::uint16_t> free_slots_;
  std::deque<std::string> services_;  // interned, never freed: spans point at them
  std::uint64_t no_tracer_ = 0;

  std::mutex buffers_mutex_;
  std::vector<std::shared_ptr<BufferEntry>> buffers_;
  std::uint64_t dropped_by_retired_buffers_ = 0;
  std::uint64_t threads_seen_ = 0;
  std::size_t buffer_bytes_ = 0;

  std::mutex pipelines_mutex_;
  std::vector<std::weak_ptr<Pipeline>> pipelines_;
  ExporterStats retired_;
  std::vector<std::shared_ptr<Pipeline>> forking_pipelines_;
  std::once_flag handlers_registered_;

  std::mutex wake_mutex_;
  std::condition_variable wake_cv_;
  std::condition_variable room_cv_;  // queue_has_room(), for drain_until_queued
  std::uint64_t room_made_ = 0;
  // Written by whoever wakes the collector and by the collector each cycle: on a line of
  // its own, away from thread_running_, which every slow path reads.
  alignas(64) std::atomic<bool> wake_pending_{false};
  alignas(64) std::atomic<bool> thread_running_{false};
  std::uint64_t thread_generation_ = 0;

  std::atomic<double> span_cost_nanos_{0};
  RateLimitedWarning start_failed_{"zspan: could not start the collector thread"};
};

}  // namespace

std::uint16_t register_sink(std::string_view service, TracerBase* tracer,
                            std::vector<std::shared_ptr<Pipeline>> pipelines) noexcept {
  try {
    return Collector::instance().register_sink(service, tracer, std::move(pipelines));
  } catch (...) {
    return kNoSinkSlot;
  }
}

void unregister_sink(std::uint16_t slot) noexcept {
  try {
    Collector::instance().unregister_sink(slot);
  } catch (...) {
  }
}

void track_pipeline(const std::shared_ptr<Pipeline>& pipeline) { Collector::instance().track(pipeline); }
void report_retired_pipeline(const ExporterStats& final_counts) noexcept { Collector::instance().retire(final_counts); }

void queue_has_room() noexcept {
  try {
    Collector::instance().queue_has_room();
  } catch (...) {  // the collector comes back within its interval all the same
  }
}

std::size_t drain_now() noexcept {
  try {
    return Collector::instance().drain_now(Collector::Leave::kMayLeave).spans;
  } catch (...) {
    return 0;
  }
}

bool flush_pipelines(const std::vector<std::shared_ptr<Pipeline>>& pipelines,
                     std::chrono::steady_clock::time_point deadline) noexcept {
  try {
    Collector::instance().drain_until_queued(deadline);
  } catch (...) {
    return false;
  }
  for (const auto& p : pipelines)
    if (p.get() != Pipeline::current()) p->request_flush();
  bool all = true;
  for (const auto& p : pipelines)
    if (p.get() != Pipeline::current()) all = p->wait_flushed(deadline) && all;
  return all;
}

namespace {

ThreadBuffer* attach_thread_buffer() noexcept {
  // A thread that already retired its buffer (a span ending in a thread_local destructor)
  // gets no new one: it could never be retired again. A thread the buffer budget refused
  // asks again every kRetryAfterDrops spans.
  static constexpr std::uint32_t kRetryAfterDrops = 1024;
  static thread_local bool attached_before = false;
  static thread_local std::uint32_t refused_drops = 0;
  if (attached_before || (refused_drops != 0 && ++refused_drops % kRetryAfterDrops != 0)) return nullptr;
  ThreadBuffer* buffer = nullptr;
  try {
    Collector& c = Collector::instance();
    buffer = c.attach_ring(std::min(kFirstRingBytes, c.buffer_capacity_.load(std::memory_order_relaxed)), kMinRingBytes);
  } catch (...) {
  }
  if (buffer) {
    attached_before = true;
  } else {
    refused_drops = 1;
    static RateLimitedWarning refused{"zspan: no span buffer for a new thread (the buffer budget is used); its spans are dropped and counted"};
    refused.emit("set_buffer_budget() to change it");
  }
  return buffer;
}

// A ring past half full gets a successor twice its size, up to `limit` and within the
// budget: the thread capacity for a ring filling up, more when a ring of that capacity
// drops (a burst borrows from the budget). True when the thread has the bigger ring.
bool grow_thread_buffer(const ThreadBuffer& full, std::size_t limit) noexcept {
  try {
    return full.capacity() < limit &&
           Collector::instance().attach_ring(std::min(full.capacity() * 2, limit), full.capacity() * 2) != nullptr;
  } catch (...) {  // out of memory: the thread keeps the ring it has
    return false;
  }
}

// Bursts: a thread whose ring of the full thread capacity drops borrows from the budget,
// doubling its ring at each run of drops up to kBorrowFactor times the capacity and a
// quarter of the budget (more would cost every span a cache miss: a ring much larger than
// a core's cache is written to memory), and gives it back (a ring of the thread capacity
// again) at a slow path that finds the burst over: no drop for kBurstOverAfter, and less
// than a quarter of the capacity waiting. The slow path comes at least once a lap.
constexpr std::size_t kBorrowFactor = 4;
constexpr std::size_t kBorrowShare = 4;
constexpr auto kBurstOverAfter = std::chrono::seconds(1);
constinit thread_local std::chrono::steady_clock::time_point tls_last_drop{};

void borrow_for_burst(const ThreadBuffer& dropping) noexcept {
  Collector& c = Collector::instance();
  tls_last_drop = std::chrono::steady_clock::now();
  const std::size_t capacity = c.buffer_capacity_.load(std::memory_order_relaxed);
  if (dropping.capacity() < capacity) return;  // a ring that has not grown yet: it grows when past half
  const std::size_t share = c.buffer_budget_.load(std::memory_order_relaxed) / kBorrowShare;
  grow_thread_buffer(dropping, std::max(capacity, std::min(capacity * kBorrowFactor, share)));
}

void give_back_after_burst(const ThreadBuffer& borrowed) noexcept {
  Collector& c = Collector::instance();
  const std::size_t capacity = std::bit_ceil(c.buffer_capacity_.load(std::memory_order_relaxed));
  if (borrowed.capacity() <= capacity || borrowed.waiting_bytes() > capacity / 4 ||
      std::chrono::steady_clock::now() - tls_last_drop < kBurstOverAfter)
    return;
  try {
    c.attach_ring(capacity, kMinRingBytes);
  } catch (...) {  // out of memory: the thread keeps the ring it has
  }
}

}  // namespace

void submit_slow(const SpanRecord& record) noexcept {
  Collector::instance().ensure_thread();  // after fork(), the child's first span starts it
  ThreadBuffer* buffer = tls_state.buffer;
  if (!has_ring()) {
    buffer = attach_thread_buffer();
    if (!buffer) {
      Collector::instance().no_buffer_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  switch (buffer->try_write(record)) {
    case ThreadBuffer::WriteResult::kWritten:
      give_back_after_burst(*buffer);
      break;
    case ThreadBuffer::WriteResult::kWrittenPastHalf:
      // A thread with a bigger ring has room until the collector's next round: waking it
      // would cost this thread more than a hundred spans (BM_WakeSleepingThread).
      if (!grow_thread_buffer(*buffer, Collector::instance().buffer_capacity_.load(std::memory_order_relaxed)))
        Collector::instance().wake();
      break;
    case ThreadBuffer::WriteResult::kDroppedAgain: break;  // counted; warned, woken and grown at the first
    case ThreadBuffer::WriteResult::kDropped:
      static RateLimitedWarning buffer_full{
          "zspan: a thread's span buffer is full (export is not keeping up); spans are dropped and counted in "
          "zspan::stats()"};
      buffer_full.emit("a ring of {} bytes; set_thread_buffer_capacity() and set_buffer_budget() say how far it grows",
                       buffer->capacity());
      Collector::instance().wake();
      borrow_for_burst(*buffer);  // last: the collector may free the old ring once it is replaced
      break;
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
    return detail::flush_pipelines(detail::Collector::instance().live_pipelines(),
                                   std::chrono::steady_clock::now() + timeout);
  } catch (...) {
    return false;
  }
}

void set_thread_buffer_capacity(std::size_t bytes) noexcept {
  detail::Collector::instance().buffer_capacity_.store(bytes, std::memory_order_relaxed);
}

bool reserve_thread_buffer() noexcept {
  detail::ThreadBuffer* buffer = detail::has_ring() ? detail::tls_state.buffer : detail::attach_thread_buffer();
  if (!buffer) return false;
  const std::size_t full = detail::Collector::instance().buffer_capacity_.load(std::memory_order_relaxed);
  if (buffer->capacity() < full) {
    try {
      detail::Collector::instance().attach_ring(full, full);
    } catch (...) {
    }
  }
  return detail::has_ring() && detail::tls_state.buffer->capacity() >= std::bit_ceil(full);
}

void set_buffer_budget(std::size_t bytes) noexcept {
  detail::Collector::instance().buffer_budget_.store(bytes, std::memory_order_relaxed);
}

void set_fork_policy(ForkPolicy policy) noexcept { detail::Collector::instance().fork_policy_.store(policy); }

}  // namespace zspan
