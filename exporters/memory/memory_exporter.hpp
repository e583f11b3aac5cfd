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
  ExportResult export_batch(const SpanBatch& batch);
  void on_fork_child() noexcept;

  // Any thread, any time.
  std::vector<SpanData> spans() const;
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<SpanData> spans_;
};

}  // namespace zspan
