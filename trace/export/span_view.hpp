// SpanView: how an exporter reads a finished span (trace/export/exporter.hpp). It points
// into zspan's buffers and is valid only during the export call, so it cannot be copied:
// copy what must outlive it (zspan::SpanData, trace/export/span_data.hpp).
#pragma once

#include <cstdint>
#include <string_view>

#include "trace/clock.hpp"
#include "trace/field.hpp"
#include "trace/span_record.hpp"

namespace zspan {

class SpanView {
 public:
  SpanView(const SpanRecord& record, std::string_view service,
           const ClockAnchor& anchor = ClockAnchor::instance()) noexcept
      : record_(record), service_(service), anchor_(anchor) {}
  SpanView(const SpanView&) = delete;
  SpanView& operator=(const SpanView&) = delete;

  std::string_view name() const noexcept { return record_.callsite->name; }
  std::string_view service() const noexcept { return service_; }
  const Callsite& callsite() const noexcept { return *record_.callsite; }
  TraceId trace_id() const noexcept { return record_.trace_id; }
  SpanId span_id() const noexcept { return record_.span_id; }
  SpanId parent_id() const noexcept { return record_.parent_id; }
  Reference parent_reference() const noexcept { return record_.parent_reference(); }
  bool has_remote_parent() const noexcept { return (record_.flags & SpanRecord::kRemoteParent) != 0; }
  bool is_error() const noexcept { return record_.is_error(); }
  // Recorded whatever the samplers said: a debug trace from upstream (B3 `d`, Jaeger flag
  // 0x2) or zspan::ForceTracing. Jaeger's exporter writes it as the span's debug flag 0x2.
  bool forced() const noexcept { return (record_.flags & SpanRecord::kForced) != 0; }
  std::uint32_t dropped_fields() const noexcept { return record_.dropped_fields; }

  std::uint64_t start_unix_nanos() const noexcept { return anchor_.to_unix_nanos(record_.start_ticks); }
  std::uint64_t end_unix_nanos() const noexcept { return anchor_.to_unix_nanos(record_.end_ticks); }
  std::uint64_t duration_nanos() const noexcept {
    return anchor_.to_nanos(record_.end_ticks - record_.start_ticks);
  }

  // Calls on_field(const FieldEntry& entry, const FieldEntry* payload) for each field in
  // the order it was set; `payload` points at payload_entries(entry) further entries.
  template <class OnField>
  void for_each_field(OnField&& on_field) const {
    const auto* e = reinterpret_cast<const FieldEntry*>(record_.entries_begin());
    const auto* end = reinterpret_cast<const FieldEntry*>(record_.entries_end());
    while (e < end) {
      on_field(*e, e + 1);
      e += 1 + payload_entries(*e);
    }
  }

  const SpanRecord& record() const noexcept { return record_; }
  const ClockAnchor& clock() const noexcept { return anchor_; }

 private:
  const SpanRecord& record_;
  std::string_view service_;
  const ClockAnchor& anchor_;
};

}  // namespace zspan
