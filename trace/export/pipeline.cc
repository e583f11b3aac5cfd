#include "zspan/trace/export/pipeline.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <new>
#include <random>
#include <thread>

#include "zspan/trace/diagnostics.hpp"

namespace zspan::detail {
namespace {

constinit thread_local Pipeline* tls_worker_pipeline = nullptr;

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{30000};

RateLimitedWarning queue_full{"zspan: an exporter's queue is full (OTEL_BSP_MAX_QUEUE_SIZE); spans are dropped and counted"};
RateLimitedWarning exporter_threw{"zspan: an exporter threw; its batch is dropped and counted"};
RateLimitedWarning exporter_retrying{"zspan: an exporter's backend is unavailable; its batch is kept and retried"};
RateLimitedWarning abandoned_call{"zspan: an exporter did not return within its export timeout; its queued spans are dropped"};
RateLimitedWarning worker_failed{"zspan: could not start an exporter's thread; its spans are dropped"};

// Counters only the collector thread writes: a plain increment, readable by stats().
void bump(std::atomic<std::uint64_t>& counter, std::uint64_t n) noexcept {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

ExportOptions sane(ExportOptions o) noexcept {
  o.max_queue_size = std::max<std::size_t>(o.max_queue_size, 1);
  o.max_export_batch_size = std::clamp<std::size_t>(o.max_export_batch_size, 1, o.max_queue_size);
  return o;
}

// Jitter keeps many processes that lost the same backend from retrying in step.
std::chrono::milliseconds jittered(std::chrono::milliseconds d) {
  static thread_local std::minstd_rand random{std::random_device{}()};
  return std::chrono::milliseconds(d.count() / 2 + static_cast<long>(random() % static_cast<unsigned long>(d.count() / 2 + 1)));
}

}  // namespace

struct Pipeline::Chunk {
  struct Run {  // the next `count` records are of this service
    std::uint32_t count;
    std::string_view service;
    std::ptrdiff_t base;  // what the run's record starts add to, for where they are in `bytes`
  };
  std::vector<std::byte> bytes;  // whole records, back to back (sizes are multiples of 16)
  // Where each record starts, from its run's base in `bytes`: the collector's walk noted
  // them, and they are copied as they are. The worker hands the exporter its batch without
  // reading the records (a discarding or sampling exporter never does; the others read
  // each once, as they encode it).
  std::vector<std::uint32_t> records;
  std::vector<Run> runs;
  std::uint64_t spans = 0;

  void clear() noexcept {
    bytes.clear();
    records.clear();
    runs.clear();
    spans = 0;
  }
  Clock::time_point published_at{};
  std::uint64_t seq = 0;
};

Pipeline::Pipeline(ExportOptions options) : options_(sane(options)) {}
Pipeline::~Pipeline() {
  report_retired_pipeline(stats_unlocked());
  if (worker_.joinable()) worker_.detach();  // never shut down (a failed start): nothing left to wait for
}

Pipeline* Pipeline::current() noexcept { return tls_worker_pipeline; }

std::unique_ptr<Pipeline::Chunk> Pipeline::take_free_chunk() noexcept {
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      std::unique_ptr<Chunk> c = std::move(free_.back());
      free_.pop_back();
      return c;
    }
  }
  return std::unique_ptr<Chunk>(new (std::nothrow) Chunk);
}

void Pipeline::offer(const RecordRun& run, std::string_view service) noexcept {
  bump(received_, run.count);
  for (std::uint32_t first = 0; first != run.count;) {
    const std::uint64_t left = run.count - first;
    const std::uint64_t room = queue_room();
    if (room == 0) {
      bump(dropped_queue_full_, left);
      queue_full.emit("exporter {}: {} spans queued", name_, options_.max_queue_size);
      return;
    }
    if (!filling_ && !(filling_ = take_free_chunk())) {
      bump(dropped_queue_full_, left);
      return;
    }
    // As many as the queue and the batch have room for: usually the whole run.
    const auto take = static_cast<std::uint32_t>(std::min({left, room, options_.max_export_batch_size - filling_->spans}));
    const std::uint32_t* const starts = run.starts + first;
    const std::size_t at = filling_->bytes.size();
    const std::size_t indexed = filling_->records.size();
    try {
      // A chunk's vectors keep their capacity from one batch to the next: after the first
      // batches, nothing here allocates, and both are appended in one copy each, with no
      // zeroing first. The index is the walk's starts, counted from where the run's bytes land.
      filling_->bytes.insert(filling_->bytes.end(), run.begin + starts[0], run.begin + starts[take]);
      filling_->records.insert(filling_->records.end(), starts, starts + take);
      filling_->runs.push_back({take, service, static_cast<std::ptrdiff_t>(at) - starts[0]});
    } catch (...) {  // out of memory: these spans only
      filling_->bytes.resize(at);
      filling_->records.resize(indexed);
      bump(dropped_queue_full_, take);
      return;
    }
    filling_->spans += take;
    first += take;
    if (filling_->spans >= options_.max_export_batch_size) publish();
  }
}

std::uint64_t Pipeline::spans_queued() const noexcept { return queued_.load() + (filling_ ? filling_->spans : 0); }

std::uint64_t Pipeline::queue_room() const noexcept {
  const std::uint64_t queued = spans_queued();
  return queued < options_.max_queue_size ? options_.max_queue_size - queued : 0;
}

std::uint64_t Pipeline::spans_to_take(std::uint64_t spans) noexcept {
  if (queue_room() >= spans || retrying_.load(std::memory_order_relaxed)) return spans;
  const Clock::rep since = in_call_since_.load(std::memory_order_relaxed);
  if (since != 0 && Clock::now() - Clock::time_point(Clock::duration(since)) > patience()) return spans;
  // Said before the queue is read again, as the worker frees room before it reads this
  // (both sequentially consistent): either the collector sees the room or the worker sees
  // that the collector waits.
  collector_waits_.store(true);
  const std::uint64_t fits = queue_room();
  if (fits >= spans) collector_waits_.store(false, std::memory_order_relaxed);
  return std::min(fits, spans);
}

Pipeline::Clock::duration Pipeline::patience() const noexcept {
  const Clock::duration usual(usual_export_.load(std::memory_order_relaxed));
  return std::clamp<Clock::duration>(kSlowerThanUsual * usual, kKeepingUp, kKeepingUpAtMost);
}

void Pipeline::publish() noexcept {
  if (!filling_ || filling_->spans == 0) return;
  std::unique_ptr<Chunk> chunk = std::move(filling_);
  const std::uint64_t n = chunk->spans;
  std::unique_lock lock(mutex_);
  if (stopped_) {  // shut down while these were on their way
    counts_.dropped_shutdown += n;
    chunk->clear();
    free_.push_back(std::move(chunk));
    return;
  }
  chunk->published_at = Clock::now();
  chunk->seq = ++published_seq_;
  queued_.fetch_add(n, std::memory_order_relaxed);
  ready_spans_ += n;
  try {
    ready_.push_back(std::move(chunk));
  } catch (...) {
    queued_.fetch_sub(n, std::memory_order_relaxed);
    ready_spans_ -= n;
    counts_.dropped_queue_full += n;
    return;
  }
  if (!worker_running_) start_worker_locked();
  if (ready_spans_ >= options_.max_export_batch_size || flush_requested_ != flush_done_) {
    // Unlocked first: a worker woken under the lock would wait for it again at once.
    lock.unlock();
    wake_worker_.notify_one();
  }
}

void Pipeline::start_worker_locked() {
  if (worker_running_ || stopped_) return;
  try {
    worker_ = std::thread(&Pipeline::worker_main, this);
    worker_running_ = true;
  } catch (...) {
    worker_failed.emit("exporter {}", name_);
    drop_queued_locked(&ExporterStats::dropped_failed);  // never sent: they failed, not shut down
  }
}

bool Pipeline::flush_due_locked() const noexcept {
  return flush_requested_ != flush_done_ && !ready_.empty() && ready_.front()->seq <= flush_target_seq_;
}

void Pipeline::worker_main(Pipeline* pipeline) {
  pipeline->run();
  // An abandoned worker owns its pipeline now; it may be the last owner.
  std::shared_ptr<Pipeline> keep_alive;
  {
    std::lock_guard lock(pipeline->mutex_);
    keep_alive = std::move(pipeline->keep_alive_);
  }
}

template <class F>
bool Pipeline::call_unlocked(std::unique_lock<std::mutex>& lock, F&& f) {
  in_call_ = true;
  call_started_ = Clock::now();
  in_call_since_.store(call_started_.time_since_epoch().count(), std::memory_order_relaxed);
  lock.unlock();
  bool returned = false;
  try {
    f();
    returned = true;
  } catch (const std::exception& e) {
    exporter_threw.emit("exporter {}: {}", name_, e.what());
  } catch (...) {
    exporter_threw.emit("exporter {}", name_);
  }
  lock.lock();
  in_call_ = false;
  in_call_since_.store(0, std::memory_order_relaxed);
  return returned;
}

void Pipeline::run() {
  tls_worker_pipeline = this;
  std::unique_lock lock(mutex_);
  const std::uint64_t generation = generation_;
  // Each exporter call is abandoned if a shutdown timed out meanwhile (generation_ moved on).
  auto call = [&](auto&& f) {
    call_unlocked(lock, f);  // a throw is reported there; the worker goes on
    return generation == generation_;
  };
  if (fork_child_pending_) {
    fork_child_pending_ = false;
    if (!call([&] { call_on_fork_child(); })) return;
  }
  for (;;) {
    const Clock::time_point now = Clock::now();
    const bool retry_wait = !ready_.empty() && now < retry_at_;
    if (!ready_.empty() && !retry_wait &&
        (ready_spans_ >= options_.max_export_batch_size || flush_due_locked() || stop_requested_ ||
         now >= ready_.front()->published_at + options_.schedule_delay)) {
      export_one_batch(lock);
      if (generation != generation_) return;
      continue;
    }
    if (flush_requested_ != flush_done_ && !flush_due_locked() && !retry_wait) {
      const std::uint64_t target = flush_requested_;
      if (!call([&] { call_flush(options_.export_timeout); })) return;
      flush_done_ = std::max(flush_done_, target);
      progress_.notify_all();
      continue;
    }
    if (stop_requested_ && (ready_.empty() || now >= stop_deadline_)) {
      drop_queued_locked(&ExporterStats::dropped_shutdown);
      const auto left = std::max(Clock::duration::zero(), stop_deadline_ - now);
      if (!call([&] { call_shutdown(std::chrono::duration_cast<std::chrono::milliseconds>(left)); })) return;
      stopped_ = true;
      worker_running_ = false;
      flush_done_ = flush_requested_;
      progress_.notify_all();
      return;
    }
    Clock::time_point wake = Clock::time_point::max();
    if (!ready_.empty()) wake = retry_wait ? retry_at_ : ready_.front()->published_at + options_.schedule_delay;
    if (stop_requested_) wake = std::min(wake, stop_deadline_);
    wake_worker_.wait_until(lock, wake);
    if (generation != generation_) return;
  }
}

void Pipeline::export_one_batch(std::unique_lock<std::mutex>& lock) {
  std::vector<std::unique_ptr<Chunk>> chunks;
  std::uint64_t n = 0;
  while (!ready_.empty() && (chunks.empty() || n + ready_.front()->spans <= options_.max_export_batch_size)) {
    n += ready_.front()->spans;
    chunks.push_back(std::move(ready_.front()));
    ready_.pop_front();
  }
  ready_spans_ -= n;
  const std::uint64_t generation = generation_;
  in_flight_spans_ = n;
  ExportResult result;
  const bool threw = !call_unlocked(lock, [&] {
    std::vector<BatchedSpan> spans;
    spans.reserve(n);
    for (const auto& c : chunks) {
      const std::uint32_t* record = c->records.data();
      for (const Chunk::Run& r : c->runs)
        for (std::uint32_t i = 0; i < r.count; ++i)
          spans.push_back({reinterpret_cast<const SpanRecord*>(c->bytes.data() + (r.base + *record++)), r.service});
    }
    result = call_export(SpanBatch(spans));
  });
  in_flight_spans_ = 0;
  if (generation != generation_) return;  // abandoned meanwhile: its spans are already counted
  ++counts_.batches;
  const Clock::time_point now = Clock::now();
  const Clock::rep took = (now - call_started_).count(), usual = usual_export_.load(std::memory_order_relaxed);
  usual_export_.store(usual == 0 ? took : (3 * usual + took) / 4, std::memory_order_relaxed);
  if (!threw && result.code == ExportResult::Code::kRetryable && !(stop_requested_ && now >= stop_deadline_)) {
    ++counts_.retries;
    retrying_.store(true, std::memory_order_relaxed);
    for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) ready_.push_front(std::move(*it));
    ready_spans_ += n;
    backoff_ = backoff_.count() == 0 ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
    retry_at_ = now + std::max(jittered(backoff_), result.retry_after);
    if (stop_requested_) retry_at_ = std::min(retry_at_, stop_deadline_);
    exporter_retrying.emit("exporter {}: {} spans, next try in {} ms", name_, n,
                           std::chrono::duration_cast<std::chrono::milliseconds>(retry_at_ - now).count());
    return;
  }
  backoff_ = std::chrono::milliseconds(0);
  retry_at_ = {};
  retrying_.store(false, std::memory_order_relaxed);
  if (threw) {
    counts_.dropped_failed += n;
  } else if (result.code == ExportResult::Code::kSuccess) {
    const std::uint64_t rejected = std::min<std::uint64_t>(result.rejected, n);
    counts_.rejected += rejected;
    counts_.exported += n - rejected;
  } else if (result.code == ExportResult::Code::kPermanent) {
    counts_.rejected += n;
  } else {
    counts_.dropped_shutdown += n;  // still retryable when shutdown's time ran out
  }
  queued_.fetch_sub(n);  // before collector_waits_ is read: see spans_to_take
  if (collector_waits_.load() && collector_waits_.exchange(false)) queue_has_room();
  // Kept for the next batches, as many as a full queue takes: a drain that fills the queue
  // again (a thread emptying its full ring, say) then allocates nothing and touches no new
  // page. The memory is what max_queue_size allows anyway.
  const std::size_t keep = options_.max_queue_size / options_.max_export_batch_size + 1;
  for (auto& c : chunks) {
    c->clear();
    if (free_.size() < keep) free_.push_back(std::move(c));
  }
  progress_.notify_all();
}

void Pipeline::drop_queued_locked(std::uint64_t ExporterStats::*reason) noexcept {
  counts_.*reason += ready_spans_;
  queued_.fetch_sub(ready_spans_, std::memory_order_relaxed);
  ready_spans_ = 0;
  ready_.clear();
}

void Pipeline::request_flush() noexcept {
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  ++flush_requested_;
  flush_target_seq_ = published_seq_;
  retry_at_ = {};  // a flush tries a retrying batch again now
  if (!worker_running_) start_worker_locked();
  wake_worker_.notify_one();
}

bool Pipeline::wait_flushed(Clock::time_point deadline) noexcept {
  if (current() == this) return false;  // an exporter flushing itself would wait for itself
  std::unique_lock lock(mutex_);
  const std::uint64_t target = flush_requested_;
  return progress_.wait_until(lock, deadline, [&] { return stopped_ || flush_done_ >= target; });
}

bool Pipeline::flush(Clock::time_point deadline) noexcept {
  request_flush();
  return wait_flushed(deadline);
}

void Pipeline::request_shutdown(Clock::time_point deadline) noexcept {
  std::lock_guard lock(mutex_);
  if (stopped_ || stop_requested_) return;
  stop_requested_ = true;
  stop_deadline_ = deadline;
  retry_at_ = {};
  if (!worker_running_) start_worker_locked();
  wake_worker_.notify_one();
}

bool Pipeline::wait_stopped(Clock::time_point deadline) noexcept {
  if (current() == this) return false;
  std::unique_lock lock(mutex_);
  // A call that has already run for the whole export timeout (a flush gave up on it) is
  // not waited for again.
  auto stuck_since = [&] { return in_call_ ? call_started_ + options_.export_timeout : Clock::time_point::max(); };
  bool stopped = progress_.wait_until(lock, std::min(deadline, stuck_since()), [&] { return stopped_; });
  while (!stopped && Clock::now() < std::min(deadline, stuck_since()))
    stopped = progress_.wait_until(lock, std::min(deadline, stuck_since()), [&] { return stopped_; });
  if (stopped) {
    // One waiter joins the worker; any other waits for that, so that none returns (and
    // lets the pipeline be destroyed) while the worker is still finishing.
    if (worker_.joinable()) {
      std::thread worker = std::move(worker_);
      joining_ = true;
      lock.unlock();
      worker.join();
      lock.lock();
      joining_ = false;
      progress_.notify_all();
    } else {
      progress_.wait(lock, [&] { return !joining_; });
    }
    return true;
  }
  // The exporter is stuck in a call: stop waiting for it. Its worker keeps the pipeline
  // (and the exporter) alive until the call returns, then ends without touching the counts.
  abandoned_call.emit("exporter {}", name_);
  try {
    keep_alive_ = shared_from_this();
  } catch (...) {  // not owned by a shared_ptr (cannot happen through SharedExporter)
  }
  if (worker_.joinable()) worker_.detach();
  ++generation_;
  counts_.dropped_shutdown += in_flight_spans_;
  queued_.fetch_sub(in_flight_spans_, std::memory_order_relaxed);
  in_flight_spans_ = 0;
  drop_queued_locked(&ExporterStats::dropped_shutdown);
  stopped_ = true;
  worker_running_ = false;
  progress_.notify_all();
  return false;
}

bool Pipeline::shutdown(Clock::time_point deadline) noexcept {
  request_shutdown(deadline);
  return wait_stopped(deadline);
}

ExporterStats Pipeline::stats() const {
  std::lock_guard lock(mutex_);
  return stats_unlocked();
}

ExporterStats Pipeline::stats_unlocked() const {
  ExporterStats s = counts_;
  s.name = name_;
  s.received = received_.load(std::memory_order_relaxed);
  s.dropped_queue_full += dropped_queue_full_.load(std::memory_order_relaxed);
  s.pending = spans_queued();
  return s;
}

void Pipeline::lock_for_fork() noexcept { mutex_.lock(); }
void Pipeline::unlock_for_fork() noexcept { mutex_.unlock(); }

void Pipeline::reset_in_fork_child() noexcept {
  // Only the forking thread exists in the child: the worker is gone, and the lock (held
  // by this thread since prepare) and condition variables start over.
  new (&mutex_) std::mutex;
  new (&wake_worker_) std::condition_variable;
  new (&progress_) std::condition_variable;
  new (&worker_) std::thread;  // the parent's worker: no thread of this process
  ready_.clear();  // the parent exports these
  if (filling_) filling_->clear();
  counts_ = {};
  received_.store(0);
  dropped_queue_full_.store(0);
  queued_.store(0);
  ready_spans_ = 0;
  in_flight_spans_ = 0;
  flush_done_ = flush_requested_;
  retry_at_ = {};
  backoff_ = std::chrono::milliseconds(0);
  in_call_ = false;
  joining_ = false;
  worker_running_ = false;
  fork_child_pending_ = true;
  in_call_since_.store(0, std::memory_order_relaxed);
  retrying_.store(false, std::memory_order_relaxed);
  collector_waits_.store(false, std::memory_order_relaxed);
  ++generation_;
}

}  // namespace zspan::detail
