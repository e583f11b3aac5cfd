#include "zspan/trace/internal/thread_buffer.hpp"

#include <algorithm>
#include <bit>

namespace zspan::detail {

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
  const std::uint64_t tail = tail_.load(std::memory_order_acquire);
  if (tail != cached_tail_) {
    cached_tail_ = tail;
    woken_ = false;  // the collector has been here since: past half again, it is told again
  }
  if (head + skip + size - cached_tail_ > capacity_) {
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    update_limit(head);
    const bool first = !dropping_;
    dropping_ = true;
    return first ? WriteResult::kDropped : WriteResult::kDroppedAgain;
  }
  dropping_ = false;
  std::byte* at = data_.get() + pos;
  if (skip) {
    // Marks the unused end of the lap; the record goes whole at the ring's start.
    const std::uint32_t pad_size = static_cast<std::uint32_t>(skip);
    const std::uint16_t pad_tracer = kPaddingTracer;
    std::memcpy(at + offsetof(SpanRecord, size_bytes), &pad_size, sizeof(pad_size));
    std::memcpy(at + offsetof(SpanRecord, tracer), &pad_tracer, sizeof(pad_tracer));
    at = data_.get();
  }
  copy_record<0>(at, record, size);
  const std::uint64_t new_head = head + skip + size;
  head_.store(new_head, std::memory_order_release);
  const bool wake = !woken_ && new_head - cached_tail_ > capacity_ / 2;
  woken_ = woken_ || wake;
  update_limit(new_head);
  return wake ? WriteResult::kWrittenPastHalf : WriteResult::kWritten;
}

std::size_t ThreadBuffer::count_pending() const noexcept {
  std::size_t count = 0;
  const std::uint64_t head = head_.load(std::memory_order_acquire);
  for (std::uint64_t tail = tail_.load(std::memory_order_relaxed); tail != head;) {
    const SpanRecord& record = record_at(tail);
    if (record.tracer != kPaddingTracer) ++count;
    tail += record.size_bytes;
  }
  return count;
}

void ThreadBuffer::reset_in_fork_child() noexcept {
  const std::uint64_t head = head_.load(std::memory_order_relaxed);
  tail_.store(head, std::memory_order_relaxed);
  cached_tail_ = head;
  woken_ = false;
  dropping_ = false;
  dropped_.store(0, std::memory_order_relaxed);
  write_limit_ = head;  // the next write takes the slow path, which starts the child's collector
}

}  // namespace zspan::detail
