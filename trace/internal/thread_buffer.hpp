// ThreadBuffer: where a thread's finished spans wait for export. One single-producer,
// single-consumer byte ring per thread: the owning thread appends records without a lock
// or a system call; the collector thread (trace/collector.hpp) drains them. A record that
// does not fit is dropped and counted, never waited for.
//
// The producer's fast path is one comparison against `write_limit_`, the lowest of: the
// end of the ring's current lap (a record is never split), and half the ring past the
// last tail it saw (past that, the collector should be woken) or, once it has been woken
// for that tail, the whole ring. Everything else (wrapping, a full ring, waking) is the
// out-of-line slow path, taken about once per half ring, and for each span while the ring
// is full.
//
// Nothing the two sides touch per record is shared with another thread: the writer
// writes its own cache line (head_ and its own state) and reads the collector's (tail_)
// only on the slow path; the collector reads head_ once per drain, not per record, and
// writes tail_ every kReleaseBytes.
// A span guard's record has a size known at compile time (its header and its inline
// tags), which the fast path copies in fixed moves, without a loop or a call.
#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "zspan/trace/internal/span_record.hpp"

namespace zspan::detail {

// Records of one tracer, back to back (each size_bytes long): what the collector takes
// from a ring at once, so that it copies a stretch of spans rather than one at a time.
// The collector may complete the records in place before it copies them. A view of the
// ring and of the drain's walk: valid only during the drain's callback.
struct RecordRun {
  std::uint16_t tracer;
  std::uint32_t count;
  std::byte* begin;
  // Where each record starts, in bytes from `begin`, as the drain's walk found them:
  // count + 1 entries, the last the run's end. The collector reads the records through
  // them without chasing each one's size again.
  const std::uint32_t* starts;
  // Less than half the ring is waiting: the run may stay for a later drain without the
  // writer running short of room.
  bool may_stay;

  std::size_t bytes() const noexcept { return starts[count]; }
  SpanRecord& record(std::uint32_t i) const noexcept { return *reinterpret_cast<SpanRecord*>(begin + starts[i]); }

  template <class OnRecord>
  void for_each(OnRecord&& on_record) const {
    for (std::uint32_t i = 0; i < count; ++i) on_record(record(i));
  }

  // The first n records (n <= count).
  RecordRun first(std::uint32_t n) const noexcept { return {tracer, n, begin, starts, may_stay}; }
};

class ThreadBuffer {
 public:
  // Marks the unused tail of the ring when a record would not fit before the end.
  static constexpr std::uint16_t kPaddingTracer = 0xffff;

  explicit ThreadBuffer(std::size_t capacity_bytes);  // rounded up to a power of two
  // No ring at all: every write goes to write_slow (a thread's buffer before it has one,
  // so that the fast path needs no null test).
  struct NoRing {};
  constexpr explicit ThreadBuffer(NoRing) noexcept : capacity_(0), mask_(0), data_(), write_limit_(0) {}

  // kWrittenPastHalf: written, and more than half the ring is waiting: time to grow the
  // ring, or to wake the collector early (said once until the collector takes some).
  // kDropped: the record did not fit, the first since one did: time to warn and wake.
  // kDroppedAgain: another that did not fit, counted like the first; nothing more to do.
  enum class WriteResult { kWritten, kWrittenPastHalf, kDropped, kDroppedAgain };

  // Producer side: only the owning thread calls this. Records are whole 16-byte entries
  // (size_bytes is a multiple of 16), as span records are.
  WriteResult try_write(const SpanRecord& record) noexcept {
    return try_write_fast(record) ? WriteResult::kWritten : write_slow(record);
  }

  // The fast path alone: writes and returns true when the record fits before the limit;
  // false (nothing written) when write_slow must decide. kSize: the record's size_bytes
  // when the caller knows it at compile time (a span guard's), else 0.
  template <std::uint32_t kSize = 0>
  [[gnu::always_inline]] bool try_write_fast(const SpanRecord& record) noexcept {
    static_assert(kSize % 16 == 0);
    assert(kSize == 0 || record.size_bytes == kSize);
    const std::uint64_t size = kSize != 0 ? kSize : record.size_bytes;
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head + size > write_limit_) [[unlikely]]
      return false;
    copy_record<kSize>(data_.get() + (head & mask_), record, size);
    head_.store(head + size, std::memory_order_release);
    return true;
  }
  // Wraps, drops when full, says when past half; out of line.
  WriteResult write_slow(const SpanRecord& record) noexcept;

  // Consumer side: the collector calls `on_run(const RecordRun&) -> std::uint32_t` for the
  // records written so far, in order, a stretch of one tracer's records at a time (a
  // stretch ends at the end of a lap, at another tracer's record and every kReleaseBytes,
  // when the space is given back, so that the writer need not wait for the whole drain).
  // `on_run` returns how many of the run's records it took: those it did not take, and all
  // after them, stay for a later drain. Records written meanwhile are taken too while they
  // are at least kReleaseBytes (fewer wait for the next drain: chasing the writer record
  // by record would take the head's cache line from it at each one), up to one ring's
  // worth, so that a busy thread cannot keep the collector from the others. Returns how
  // many records it took.
  static constexpr std::uint64_t kReleaseBytes = 16 * 1024;
  static constexpr std::uint64_t kPrefetchAhead = 2048;
  template <class OnRun>
  std::size_t drain(OnRun&& on_run) {
    // A run spans at most kReleaseBytes, and every record but the padding at a lap's end
    // (a run of its own) is at least a header long.
    std::uint32_t starts[kReleaseBytes / sizeof(SpanRecord) + 1];
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t stop = tail + capacity_;
    std::uint64_t released = tail;
    std::uint64_t fetched = tail & ~std::uint64_t{63};
    std::size_t count = 0;
    for (std::uint64_t head = head_.load(std::memory_order_acquire);;) {
      while (tail != head) {
        // The run ends at the head, at the end of the lap (a record is never split), at
        // the next release, or at another tracer's record.
        const std::uint64_t lap_end = (tail | mask_) + 1;
        const std::uint64_t run_limit = std::min({head, lap_end, released + kReleaseBytes}) - tail;
        std::byte* const begin = data_.get() + (tail & mask_);
        const std::uint16_t tracer = reinterpret_cast<const SpanRecord*>(begin)->tracer;
        std::uint32_t n = 0;
        std::uint32_t at = 0;
        do {
          // The writer's core has the records: asking for them a few ahead overlaps the
          // transfers, which each record's size would otherwise make one at a time. Each
          // line once (one prefetch a record would leave every third line of 96-byte
          // records to a stall) and none past the head, where the writer writes.
          for (const std::uint64_t ahead = std::min(tail + at + kPrefetchAhead, head); fetched < ahead; fetched += 64)
            __builtin_prefetch(data_.get() + (fetched & mask_));
          starts[n++] = at;
          at += reinterpret_cast<const SpanRecord*>(begin + at)->size_bytes;
        } while (at < run_limit && reinterpret_cast<const SpanRecord*>(begin + at)->tracer == tracer);
        starts[n] = at;
        if (tracer != kPaddingTracer) {
          const RecordRun run{tracer, n, begin, starts, head - tail <= capacity_ / 2};
          const std::uint32_t taken = on_run(run);
          count += taken;
          if (taken != n) {
            tail += starts[taken];
            break;
          }
        }
        tail += at;
        if (tail - released >= kReleaseBytes) {
          tail_.store(tail, std::memory_order_release);
          released = tail;
        }
      }
      if (tail != head) break;  // records left for later
      head = head_.load(std::memory_order_acquire);
      if (head - tail < kReleaseBytes || tail >= stop) break;
    }
    tail_.store(tail, std::memory_order_release);
    return count;
  }

  // Consumer side too: records written and not yet drained.
  std::size_t count_pending() const noexcept;
  // Positions in the ring's stream of bytes: how far the writer has written and the
  // collector has taken (flush waits for the one to reach the other).
  std::uint64_t written_bytes() const noexcept { return head_.load(std::memory_order_acquire); }
  std::uint64_t taken_bytes() const noexcept { return tail_.load(std::memory_order_acquire); }

  // In a fork()ed child, on the thread that forked (the owner): forgets what the parent
  // had written (the parent exports it) and sends the next write down the slow path.
  void reset_in_fork_child() noexcept;

  // Producer side: bytes written that the collector had not taken at the last slow path.
  std::uint64_t waiting_bytes() const noexcept { return head_.load(std::memory_order_relaxed) - cached_tail_; }

  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  // kSize bytes in fixed moves when known at compile time; else the header, then the
  // entries 16 bytes at a time (no call for a short record).
  template <std::uint32_t kSize>
  [[gnu::always_inline]] static void copy_record(std::byte* to, const SpanRecord& record, std::uint64_t size) noexcept {
    const auto* from = reinterpret_cast<const std::byte*>(&record);
    if constexpr (kSize != 0) {
      __builtin_memcpy(to, from, kSize);
    } else {
      __builtin_memcpy(to, from, sizeof(SpanRecord));
      for (std::uint64_t at = sizeof(SpanRecord); at < size; at += 16) __builtin_memcpy(to + at, from + at, 16);
    }
  }

  const SpanRecord& record_at(std::uint64_t position) const noexcept {
    return *reinterpret_cast<const SpanRecord*>(data_.get() + (position & mask_));
  }

  void update_limit(std::uint64_t head) noexcept {
    const std::uint64_t lap_end = (head | mask_) + 1;
    const std::uint64_t room_end = cached_tail_ + (woken_ ? capacity_ : capacity_ / 2);
    write_limit_ = lap_end < room_end ? lap_end : room_end;
  }

  const std::uint64_t capacity_;
  const std::uint64_t mask_;
  const std::unique_ptr<std::byte[]> data_;
  // The producer's and the consumer's indices sit on separate cache lines.
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::uint64_t write_limit_;
  std::uint64_t cached_tail_ = 0;
  bool woken_ = false;     // the collector was told this ring is past half since cached_tail_
  bool dropping_ = false;  // the last record did not fit
  std::atomic<std::uint64_t> dropped_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace zspan::detail
