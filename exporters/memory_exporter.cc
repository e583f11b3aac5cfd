#include "exporters/memory_exporter.hpp"

namespace zspan {

FinishedSpan FinishedSpan::copy_of(const SpanView& span) {
  FinishedSpan out;
  out.name = std::string(span.name());
  out.service = std::string(span.service());
  out.callsite = &span.callsite();
  out.trace_id = span.trace_id();
  out.span_id = span.span_id();
  out.parent_id = span.parent_id();
  out.parent_reference = span.parent_reference();
  out.remote_parent = span.has_remote_parent();
  out.error = span.is_error();
  out.start_unix_nanos = span.start_unix_nanos();
  out.end_unix_nanos = span.end_unix_nanos();
  out.duration_nanos = span.duration_nanos();
  out.dropped_fields = span.dropped_fields();
  span.for_each_field([&](const FieldEntry& entry, const FieldEntry* payload) {
    if (entry.key->type == FieldType::kReference) {
      out.references.push_back({entry.key == &kFollowsFromReference ? Reference::kFollowsFrom : Reference::kChildOf,
                                reference_trace_id(payload), SpanId{entry.value}});
    }
  });
  return out;
}

void MemoryExporter::export_span(const SpanView& span) {
  FinishedSpan copy = FinishedSpan::copy_of(span);
  std::lock_guard lock(mutex_);
  spans_.push_back(std::move(copy));
}

std::vector<FinishedSpan> MemoryExporter::spans() const {
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
