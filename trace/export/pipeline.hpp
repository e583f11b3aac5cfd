// The export pipeline: how a finished span travels from a thread's buffer to its exporter.
//
//   recording thread        collector thread               worker thread (one per exporter)
//   end of span  --ring-->  drain: copy the record into --> take a batch, export_batch(batch)
//   (no lock, no wait)      the exporter's bounded queue     flush / retry / shutdown
//
// Each exporter has its own queue and worker, so a slow, failing or hung exporter holds
// up its own spans only. The queue follows OpenTelemetry's batch span processor
// (ExportOptions): at most max_queue_size spans wait; a batch goes out when
// max_export_batch_size spans are queued, when the oldest has waited schedule_delay, or
// on flush. When the queue is full, spans wait in their thread's ring while the exporter
// keeps up (not retrying, no call much longer than its usual ones) and the ring is less
// than half full or no longer written (its thread moved to a bigger one); otherwise what
// does not fit is dropped and counted. No part of this runs on the hot path.
//
// Users meet this file through SharedExporter (one exporter serving several tracers):
//
//   auto otlp = zspan::share_exporter<MyExporter>(zspan::ExportOptions::from_env(), args...);
//   zspan::Tracer<zspan::AlwaysOnSampler, MyExporter> frontend{"frontend", {}, otlp};
//   zspan::Tracer<zspan::AlwaysOnSampler, MyExporter> billing{"billing", {}, otlp};
//
// Each span keeps its own service name. The exporter is shut down (queue exported within
// export_timeout, then its shutdown()) when the last tracer or handle holding it goes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "zspan/trace/export/exporter.hpp"
#include "zspan/trace/internal/span_record.hpp"
#include "zspan/trace/internal/thread_buffer.hpp"

namespace zspan {

// Counts for one exporter. At every moment (as zspan::stats() reads them):
//   received = exported + rejected + dropped_queue_full + dropped_failed + dropped_shutdown + pending
struct ExporterStats {
  std::string name;                    // the exporter's name() if it has one, else its first service
  std::uint64_t received = 0;          // spans the collector handed to this exporter
  std::uint64_t exported = 0;          // delivered (export_batch returned success)
  std::uint64_t rejected = 0;          // refused by the backend: permanent() or partial(n)
  std::uint64_t dropped_queue_full = 0;  // did not fit the queue (max_queue_size)
  std::uint64_t dropped_failed = 0;    // export_batch threw
  std::uint64_t dropped_shutdown = 0;  // still queued when shutdown or exit ran out of time
  std::uint64_t pending = 0;           // queued or being exported
  std::uint64_t batches = 0;           // export_batch calls that returned
  std::uint64_t retries = 0;           // batches offered again after retryable()

  // Adds another exporter's counts (the name stays).
  ExporterStats& operator+=(const ExporterStats& other) noexcept {
    received += other.received;
    exported += other.exported;
    rejected += other.rejected;
    dropped_queue_full += other.dropped_queue_full;
    dropped_failed += other.dropped_failed;
    dropped_shutdown += other.dropped_shutdown;
    pending += other.pending;
    batches += other.batches;
    retries += other.retries;
    return *this;
  }
};

namespace detail {

// The type-erased part of an exporter's pipeline: queue, worker, counters. Owned through
// shared_ptr by its handles and by the collector's registry while a tracer uses it. Its
// worker thread is joined at shutdown; a worker stuck in an exporter call past the
// export timeout is abandoned and keeps the pipeline (and the exporter) alive until the
// call returns, so nothing is destroyed under it.
class Pipeline : public std::enable_shared_from_this<Pipeline> {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pipeline(ExportOptions options);
  virtual ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Collector side: called with the collector's drain lock held, one thread at a time.
  // A run is copied whole, or as much of it as the queue has room for.
  void offer(const RecordRun& run, std::string_view service) noexcept;
  void publish() noexcept;  // the end of a drain cycle: what was offered may be exported
  // How many of `spans` the collector should offer now: all of them when they fit the
  // queue or when the exporter is not keeping up (retrying, or in a call for longer than
  // its patience(): a hung or suddenly slow backend), whose full queue drops and counts
  // what does not fit, so that the rings keep moving for the other exporters. Otherwise
  // the room left: the rest had better wait in their thread's ring, which holds a burst
  // where a queue holds a few batches, and the worker calls queue_has_room() once its
  // next batch has made room.
  std::uint64_t spans_to_take(std::uint64_t spans) noexcept;
  // How long an exporter call may last before the exporter is taken for stuck:
  // kSlowerThanUsual times its usual export call (a backend across a network answers in
  // tens of milliseconds), within [kKeepingUp, kKeepingUpAtMost].
  Clock::duration patience() const noexcept;
  static constexpr std::chrono::milliseconds kKeepingUp{10};
  static constexpr std::chrono::milliseconds kKeepingUpAtMost{1000};
  static constexpr int kSlowerThanUsual = 4;

  // Exports what was published before the call, then the exporter's flush(). False when
  // `deadline` came first (a slow exporter); waits no longer than that.
  bool flush(Clock::time_point deadline) noexcept;
  // flush, then the exporter's shutdown(); nothing is exported after. What is still queued
  // at `deadline` is counted as dropped_shutdown. Later calls return at once.
  bool shutdown(Clock::time_point deadline) noexcept;
  // Asks for flush or shutdown without waiting: exit starts every exporter at once.
  void request_flush() noexcept;
  void request_shutdown(Clock::time_point deadline) noexcept;
  bool wait_flushed(Clock::time_point deadline) noexcept;
  bool wait_stopped(Clock::time_point deadline) noexcept;

  // With the collector's drain lock held (the chunk being filled is the collector's).
  ExporterStats stats() const;
  ExporterStats stats_unlocked() const;
  const ExportOptions& options() const noexcept { return options_; }

  // fork(): prepare and parent hold and release this pipeline's lock; in the child the
  // pipeline starts over (empty queue, zero counts, a new worker when next needed).
  void lock_for_fork() noexcept;
  void unlock_for_fork() noexcept;
  void reset_in_fork_child() noexcept;

  // The pipeline whose worker runs on this thread, if any (flush() from inside an
  // exporter must not wait for itself).
  static Pipeline* current() noexcept;

 protected:
  void set_name(std::string_view name) { name_ = name; }
  // The exporter's calls, each wrapped so that an exception is caught and counted.
  virtual ExportResult call_export(const SpanBatch& batch) = 0;
  virtual bool call_flush(std::chrono::milliseconds timeout) = 0;
  virtual void call_shutdown(std::chrono::milliseconds timeout) = 0;
  virtual void call_on_fork_child() = 0;

 private:
  struct Chunk;
  void start_worker_locked();
  static void worker_main(Pipeline* pipeline);
  // Runs an exporter call with the lock released, marked in_call_ (for shutdown's wait);
  // false if it threw (caught and reported).
  template <class F>
  bool call_unlocked(std::unique_lock<std::mutex>& lock, F&& f);
  void run();
  void export_one_batch(std::unique_lock<std::mutex>& lock);
  bool flush_due_locked() const noexcept;
  // Drops what is queued (not the batch in flight), counting it under `reason`.
  void drop_queued_locked(std::uint64_t ExporterStats::*reason) noexcept;
  std::unique_ptr<Chunk> take_free_chunk() noexcept;
  // Collector side: spans offered and not yet accounted for (the chunk being filled too),
  // and how many more the queue takes. Sequentially consistent: see spans_to_take.
  std::uint64_t spans_queued() const noexcept;
  std::uint64_t queue_room() const noexcept;

  std::string name_;
  const ExportOptions options_;

  // Collector side, no lock: the chunk being filled and the queue's size.
  std::unique_ptr<Chunk> filling_;
  std::atomic<std::uint64_t> queued_{0};  // offered and not yet accounted for
  // For spans_to_take: since when the worker is in an exporter call (steady clock ticks;
  // 0: it is not), how long its export calls usually take (ticks, an average weighted to
  // the recent ones; 0 before the first), whether it is retrying a batch, and whether the
  // collector waits for room.
  std::atomic<Clock::rep> in_call_since_{0};
  std::atomic<Clock::rep> usual_export_{0};
  std::atomic<bool> retrying_{false};
  std::atomic<bool> collector_waits_{false};

  mutable std::mutex mutex_;
  std::condition_variable wake_worker_;
  std::condition_variable progress_;
  std::deque<std::unique_ptr<Chunk>> ready_;  // published, oldest first
  std::vector<std::unique_ptr<Chunk>> free_;
  std::uint64_t ready_spans_ = 0;
  std::uint64_t published_seq_ = 0;   // chunks published so far
  std::uint64_t flush_target_seq_ = 0;  // a flush waits for the chunks up to this one
  std::uint64_t in_flight_spans_ = 0;   // in the batch being exported
  std::uint64_t flush_requested_ = 0, flush_done_ = 0;
  Clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{0};
  Clock::time_point stop_deadline_{};
  bool stop_requested_ = false;
  bool stopped_ = false;
  bool worker_running_ = false;
  std::thread worker_;
  bool joining_ = false;              // a shutdown is joining the worker
  std::shared_ptr<Pipeline> keep_alive_;  // set when the worker is abandoned in a call
  bool in_call_ = false;             // the worker is inside an exporter call
  Clock::time_point call_started_{};
  std::uint64_t generation_ = 0;     // bumped when a hung call is abandoned or after fork
  bool fork_child_pending_ = false;
  ExporterStats counts_;             // the worker's counts; the collector's are the atomics below
  std::atomic<std::uint64_t> received_{0};
  std::atomic<std::uint64_t> dropped_queue_full_{0};
};

template <class E>
class ExporterPipeline final : public Pipeline {
 public:
  template <class... Args>
  ExporterPipeline(std::string_view fallback_name, ExportOptions options, Args&&... args)
      : Pipeline(options), exporter_(make_exporter(std::forward<Args>(args)...)) {
    if constexpr (requires { exporter_.name(); }) set_name(exporter_.name());
    else set_name(fallback_name);
  }
  E& exporter() noexcept { return exporter_; }

 private:
  // Parentheses, or braces for an aggregate (clang 14 has no parenthesized aggregate init).
  template <class... Args>
  static E make_exporter(Args&&... args) {
    if constexpr (std::is_constructible_v<E, Args...>) return E(std::forward<Args>(args)...);
    else return E{std::forward<Args>(args)...};
  }

  ExportResult call_export(const SpanBatch& batch) override { return exporter_.export_batch(batch); }
  bool call_flush(std::chrono::milliseconds timeout) override {
    if constexpr (requires { exporter_.flush(timeout); }) return exporter_.flush(timeout);
    else return true;
  }
  void call_shutdown(std::chrono::milliseconds timeout) override {
    if constexpr (requires { exporter_.shutdown(timeout); }) exporter_.shutdown(timeout);
  }
  void call_on_fork_child() override {
    if constexpr (requires { exporter_.on_fork_child(); }) exporter_.on_fork_child();
  }

  E exporter_;
};

// Every pipeline alive, for stats(), fork and exit (trace/collector.cc); the counts of
// those gone stay in stats().
void track_pipeline(const std::shared_ptr<Pipeline>& pipeline);
void report_retired_pipeline(const ExporterStats& final_counts) noexcept;
// A queue the collector waits for (spans_to_take) has room again.
void queue_has_room() noexcept;

}  // namespace detail

// A handle to an exporter and its pipeline, shared by the tracers given it. Copyable; the
// last copy to go shuts the exporter down (waiting at most its export_timeout).
template <Exporter E>
class SharedExporter {
 public:
  // An exporter made from `args`, named by its name() or else `name`.
  template <class... Args>
  static SharedExporter make(std::string_view name, ExportOptions options, Args&&... args) {
    auto pipeline = std::make_shared<detail::ExporterPipeline<E>>(name, options, std::forward<Args>(args)...);
    detail::track_pipeline(pipeline);
    return SharedExporter(std::make_shared<Owner>(std::move(pipeline)));
  }

  E& operator*() const noexcept { return owner_->pipeline->exporter(); }
  E* operator->() const noexcept { return &owner_->pipeline->exporter(); }
  std::shared_ptr<detail::Pipeline> pipeline() const noexcept { return owner_->pipeline; }

 private:
  struct Owner {
    explicit Owner(std::shared_ptr<detail::ExporterPipeline<E>> p) noexcept : pipeline(std::move(p)) {}
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;
    ~Owner() { pipeline->shutdown(detail::Pipeline::Clock::now() + pipeline->options().export_timeout); }
    std::shared_ptr<detail::ExporterPipeline<E>> pipeline;
  };
  explicit SharedExporter(std::shared_ptr<Owner> owner) noexcept : owner_(std::move(owner)) {}
  std::shared_ptr<Owner> owner_;
};

// An exporter made from `args` with its own queue and worker, to give to several tracers.
template <Exporter E, class... Args>
SharedExporter<E> share_exporter(ExportOptions options, Args&&... args) {
  return SharedExporter<E>::make("shared", options, std::forward<Args>(args)...);
}

}  // namespace zspan
