// Exporters that misbehave on purpose, for the pipeline's fault tests.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "zspan/trace/export/exporter.hpp"

namespace zspan::testing {

// Counts spans and remembers their services; optionally sleeps per batch.
struct CountingExporter {
  std::chrono::milliseconds delay_per_batch{0};
  std::atomic<std::uint64_t> spans{0};
  std::mutex mutex;
  std::vector<std::string> services;

  CountingExporter() = default;
  explicit CountingExporter(std::chrono::milliseconds delay) : delay_per_batch(delay) {}
  ExportResult export_batch(const SpanBatch& batch) {
    std::this_thread::sleep_for(delay_per_batch);
    std::lock_guard lock(mutex);
    for (const SpanView& s : batch) services.emplace_back(s.service());
    spans += batch.size();
    return ExportResult::success();
  }
  // As the contract asks of an exporter with locks: the parent's worker may have held the
  // lock at the fork, part-way through changing what it guards (a vector reallocating):
  // both start anew in the child. The parent's copy of the list is left, not freed.
  void on_fork_child() {
    new (&mutex) std::mutex;
    new (&services) std::vector<std::string>;
  }
};

// Holds its worker inside export_batch until the test opens the gate.
struct GateExporter {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> calls{0};
  std::atomic<std::uint64_t> spans{0};

  ExportResult export_batch(const SpanBatch& batch) {
    ++calls;
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return open; });
    spans += batch.size();
    return ExportResult::success();
  }
  void on_fork_child() {
    new (&mutex) std::mutex;
    new (&cv) std::condition_variable;
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    cv.notify_all();
  }
};

struct ThrowingExporter {
  ExportResult export_batch(const SpanBatch&) { throw std::runtime_error("backend down"); }
};

// Answers from a script, then success: e.g. {retryable, retryable} for a backend that
// comes back on the third try.
struct ScriptedExporter {
  std::vector<ExportResult> script;
  std::atomic<std::size_t> calls{0};
  std::atomic<std::uint64_t> delivered{0};

  explicit ScriptedExporter(std::vector<ExportResult> s) : script(std::move(s)) {}
  ExportResult export_batch(const SpanBatch& batch) {
    const std::size_t call = calls++;
    const ExportResult r = call < script.size() ? script[call] : ExportResult::success();
    if (r.code == ExportResult::Code::kSuccess) delivered += batch.size() - r.rejected;
    return r;
  }
};

}  // namespace zspan::testing
