// DiscardExporter: takes every span and keeps only the count. For benchmarks (the
// pipeline runs as in production, minus the encoding) and for services that want
// context propagation without exporting.
#pragma once

#include <atomic>
#include <cstdint>

#include "trace/span_view.hpp"

namespace zspan {

class DiscardExporter {
 public:
  void export_span(const SpanView&) noexcept { count_.store(count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> count_{0};  // written by the collector thread only
};

}  // namespace zspan
