#include "zspan/exporters/memory/memory_exporter.hpp"

#include <new>

namespace zspan {

ExportResult MemoryExporter::export_batch(const SpanBatch& batch) {
  std::vector<SpanData> copies;
  copies.reserve(batch.size());
  for (const SpanView& span : batch) copies.push_back(SpanData::copy_of(span));
  std::lock_guard lock(mutex_);
  spans_.insert(spans_.end(), std::make_move_iterator(copies.begin()), std::make_move_iterator(copies.end()));
  return ExportResult::success();
}

// A thread of the parent may have held the lock when it forked; the child has only this one.
void MemoryExporter::on_fork_child() noexcept { new (&mutex_) std::mutex; }

std::vector<SpanData> MemoryExporter::spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}

std::size_t MemoryExporter::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}

void MemoryExporter::clear() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}

}  // namespace zspan
