#include "zspan/exporters/memory/memory_exporter.hpp"

#include <pthread.h>

namespace zspan {
namespace {

// Every MemoryExporter alive. fork() takes each one's lock first, so that the child never
// inherits one held by a thread it does not have, nor spans half stored.
struct Registry {
  std::mutex mutex;
  std::vector<std::mutex*> locks;
};
Registry& registry();

void lock_all_before_fork() {
  registry().mutex.lock();
  for (std::mutex* lock : registry().locks) lock->lock();
}

// In the parent and in the child alike: the thread that forked holds them all.
void unlock_all_after_fork() {
  for (std::mutex* lock : registry().locks) lock->unlock();
  registry().mutex.unlock();
}

Registry& registry() {
  static Registry* r = [] {
    auto* created = new Registry;  // never destroyed: exporters may outlive static destruction
    pthread_atfork(lock_all_before_fork, unlock_all_after_fork, unlock_all_after_fork);
    return created;
  }();
  return *r;
}

}  // namespace

MemoryExporter::MemoryExporter() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.locks.push_back(&mutex_);
}

MemoryExporter::~MemoryExporter() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::erase(r.locks, &mutex_);
}

ExportResult MemoryExporter::export_batch(const SpanBatch& batch) {
  std::vector<SpanData> copies;
  copies.reserve(batch.size());
  for (const SpanView& span : batch) copies.push_back(SpanData::copy_of(span));
  std::lock_guard lock(mutex_);
  spans_.insert(spans_.end(), std::make_move_iterator(copies.begin()), std::make_move_iterator(copies.end()));
  return ExportResult::success();
}

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
