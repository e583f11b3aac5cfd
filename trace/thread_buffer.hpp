// ThreadBuffer: where a thread's finished spans wait for export. One single-producer,
// single-consumer byte ring per thread: the owning thread appends records without a lock
// or a system call; the collector thread (trace/collector.hpp) drains them. A record that
// does not fit is dropped and counted, never waited for.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "trace/span_record.hpp"

namespace zspan {

class ThreadBuffer {
 public:
  // Marks the unused tail of the ring when a record would not fit before the end.
  static constexpr std::uint16_t kPaddingTracer = 0xffff;

  explicit ThreadBuffer(std::size_t capacity_bytes);  // rounded up to a power of two

  enum class WriteResult { kWritten, kWrittenPastHalf, kDropped };

  // Producer side: only the owning thread calls this. kWrittenPastHalf says more than
  // half the ring is waiting: time to wake the collector early.
  WriteResult try_write(const SpanRecord& record) noexcept {
    const std::uint64_t size = record.size_bytes;
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    const std::uint64_t pos = head & mask_;
    const std::uint64_t room_to_end = capacity_ - pos;
    const std::uint64_t skip = room_to_end < size ? room_to_end : 0;
    if (head + skip + size - cached_tail_ > capacity_) [[unlikely]] {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head + skip + size - cached_tail_ > capacity_) {
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return WriteResult::kDropped;
      }
    }
    std::byte* at = data_.get() + pos;
    if (skip) [[unlikely]] {
      write_padding(at, static_cast<std::uint32_t>(skip));
      at = data_.get();
    }
    std::memcpy(at, &record, size);
    const std::uint64_t new_head = head + skip + size;
    head_.store(new_head, std::memory_order_release);
    if (new_head - cached_tail_ > capacity_ / 2) [[unlikely]] {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (new_head - cached_tail_ > capacity_ / 2) return WriteResult::kWrittenPastHalf;
    }
    return WriteResult::kWritten;
  }

  // Consumer side: the collector calls `on_record(const SpanRecord&)` for each record
  // written so far, then releases their space. Returns how many it read.
  template <class OnRecord>
  std::size_t drain(OnRecord&& on_record) {
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    std::size_t count = 0;
    while (tail != head) {
      const auto* record = reinterpret_cast<const SpanRecord*>(data_.get() + (tail & mask_));
      if (record->tracer != kPaddingTracer) {
        on_record(*record);
        ++count;
      }
      tail += record->size_bytes;
    }
    tail_.store(tail, std::memory_order_release);
    return count;
  }

  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  static void write_padding(std::byte* at, std::uint32_t bytes) noexcept {
    SpanRecord pad{};
    pad.size_bytes = bytes;
    pad.tracer = kPaddingTracer;
    std::memcpy(at, &pad, sizeof(pad.size_bytes) + sizeof(pad.tracer));
  }

  const std::uint64_t capacity_;
  const std::uint64_t mask_;
  const std::unique_ptr<std::byte[]> data_;
  // The producer's and the consumer's indices sit on separate cache lines.
  alignas(64) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;
  std::atomic<std::uint64_t> dropped_{0};
  alignas(64) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace zspan
