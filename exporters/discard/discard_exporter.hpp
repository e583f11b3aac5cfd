// DiscardExporter: takes every span and keeps only the count. For benchmarks (the
// pipeline runs as in production, minus the encoding) and for services that want
// context propagation without exporting.
#pragma once

#include <atomic>
#include <cstdint>

#include "zspan/trace/export/exporter.hpp"

namespace zspan {

class DiscardExporter {
 public:
  ExportResult export_batch(const SpanBatch& batch) noexcept {
    count_.store(count_.load(std::memory_order_relaxed) + batch.size(), std::memory_order_relaxed);
    return ExportResult::success();
  }
  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> count_{0};  // written by the exporter's worker only
};

}  // namespace zspan
