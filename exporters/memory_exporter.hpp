// MemoryExporter: keeps copies of finished spans, for tests and examples.
//
//   zspan::Tracer<zspan::AlwaysOnSampler, zspan::MemoryExporter> tracer{"svc"};
//   { TRACE_SCOPE_WITH(tracer, "work"); }
//   zspan::flush();
//   std::vector<zspan::FinishedSpan> spans = tracer.exporter().spans();
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "trace/span_view.hpp"

namespace zspan {

// An owning copy of a span, fields included.
struct FinishedSpan {
  struct ExtraReference {
    Reference kind;
    TraceId trace_id;
    SpanId span_id;
  };

  std::string name;
  std::string service;
  const Callsite* callsite = nullptr;
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_id;
  Reference parent_reference = Reference::kChildOf;
  bool remote_parent = false;
  bool error = false;
  std::uint64_t start_unix_nanos = 0;
  std::uint64_t end_unix_nanos = 0;
  std::uint64_t duration_nanos = 0;
  std::uint32_t dropped_fields = 0;
  std::vector<ExtraReference> references;

  static FinishedSpan copy_of(const SpanView& span);
};

class MemoryExporter {
 public:
  void export_span(const SpanView& span);

  std::vector<FinishedSpan> spans() const;
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<FinishedSpan> spans_;
};

}  // namespace zspan
