// SpanView: how an exporter reads a finished span (trace/export/exporter.hpp). It points
// into zspan's buffers and is valid only during the export call, so it cannot be copied:
// copy what must outlive it (zspan::SpanData, trace/export/span_data.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "zspan/trace/clock.hpp"
#include "zspan/trace/internal/field.hpp"
#include "zspan/trace/internal/span_record.hpp"

namespace zspan {

class SpanView {
 public:
  SpanView(const detail::SpanRecord& record, std::string_view service,
           const ClockAnchor& anchor = ClockAnchor::instance()) noexcept
      : record_(record), name_(name_of(record)), service_(service), anchor_(anchor) {}
  SpanView(const SpanView&) = delete;
  SpanView& operator=(const SpanView&) = delete;

  // The name given at run time (span.rename, TRACE_SCOPE_NAMED), else its callsite's.
  std::string_view name() const noexcept { return name_; }
  std::string_view service() const noexcept { return service_; }
  const Callsite& callsite() const noexcept { return *record_.callsite; }
  TraceId trace_id() const noexcept { return record_.trace_id; }
  SpanId span_id() const noexcept { return record_.span_id; }
  SpanId parent_id() const noexcept { return record_.parent_id; }
  Reference parent_reference() const noexcept { return record_.parent_reference(); }
  bool has_remote_parent() const noexcept { return (record_.flags & detail::SpanRecord::kRemoteParent) != 0; }
  bool is_error() const noexcept { return record_.is_error(); }
  // Recorded whatever the samplers said: a debug trace from upstream (B3 `d`, Jaeger flag
  // 0x2) or zspan::ForceTracing. Jaeger's exporter writes it as the span's debug flag 0x2.
  bool forced() const noexcept { return (record_.flags & detail::SpanRecord::kForced) != 0; }
  std::uint32_t dropped_fields() const noexcept { return record_.dropped_fields; }

  std::uint64_t start_unix_nanos() const noexcept { return anchor_.to_unix_nanos(record_.start_ticks); }
  std::uint64_t end_unix_nanos() const noexcept { return anchor_.to_unix_nanos(record_.end_ticks); }
  std::uint64_t duration_nanos() const noexcept {
    return anchor_.to_nanos(record_.end_ticks - record_.start_ticks);
  }

  // Calls on_field(const FieldKey& key, const FieldEntry& entry, const FieldEntry* payload)
  // for each field in the order it was set (trace/internal/field.hpp, for_each_entry).
  template <class OnField>
  void for_each_field(OnField&& on_field) const {
    detail::for_each_entry(begin(record_), end(record_), on_field);
  }

  const detail::SpanRecord& record() const noexcept { return record_; }
  const ClockAnchor& clock() const noexcept { return anchor_; }

 private:
  static const detail::FieldEntry* begin(const detail::SpanRecord& r) noexcept {
    return reinterpret_cast<const detail::FieldEntry*>(r.entries_begin());
  }
  static const detail::FieldEntry* end(const detail::SpanRecord& r) noexcept { return reinterpret_cast<const detail::FieldEntry*>(r.entries_end()); }
  static std::string_view name_of(const detail::SpanRecord& r) noexcept {
    std::string_view name = r.callsite->name;
    if (r.flags & detail::SpanRecord::kRenamed) {
      for (const detail::FieldEntry* e = begin(r); e < end(r); e += 1 + detail::payload_entries(*e))
        if (e->key == &detail::kSpanNameKey) name = detail::stored_string(reinterpret_cast<const std::byte*>(&e->value));
    }
    return name;
  }

  const detail::SpanRecord& record_;
  std::string_view name_;
  std::string_view service_;
  const ClockAnchor& anchor_;
};

}  // namespace zspan
