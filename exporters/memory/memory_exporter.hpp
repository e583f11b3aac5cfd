// MemoryExporter: keeps an owning copy of every finished span, for tests and examples.
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> tracer{"svc"};
//   { TRACE_SCOPE_WITH(tracer, "work"); }
//   tracer.flush();
//   std::vector<zspan::SpanData> spans = tracer.exporter().spans();
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "zspan/trace/export/exporter.hpp"
#include "zspan/trace/export/span_data.hpp"

namespace zspan {

class MemoryExporter {
 public:
  MemoryExporter();
  ~MemoryExporter();
  MemoryExporter(const MemoryExporter&) = delete;
  MemoryExporter& operator=(const MemoryExporter&) = delete;

  ExportResult export_batch(const SpanBatch& batch);

  // Any thread, any time; a fork()ed child reads its copy at once (fork waits for a
  // thread of the parent that is reading or storing spans).
  std::vector<SpanData> spans() const;
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<SpanData> spans_;
};

}  // namespace zspan
