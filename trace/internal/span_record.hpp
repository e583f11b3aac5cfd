// SpanRecord: a finished span as the hot path writes it into the per-thread buffer and
// as exporters read it. Fixed 64-byte header, then the span's fields (tags, logs,
// extra references) as 16-byte entries.
//
// An entry is {const FieldKey* key, std::uint64_t value}, followed by `key->payload_words`
// of payload when the value does not fit in 8 bytes (see trace/internal/field.hpp). Pointers to
// static data (callsite, keys) make a record cheap to write and self-describing to read.
#pragma once

#include <cstddef>
#include <cstdint>

#include "zspan/trace/callsite.hpp"
#include "zspan/trace/ids.hpp"

namespace zspan::detail {

struct SpanRecord {
  // Bits of `flags`. A recording span's trace flags (TraceFlags) are its first bits, at
  // their own places: sampled, random, forced.
  static constexpr std::uint8_t kSampled = 0x01;
  static constexpr std::uint8_t kRandom = 0x02;  // the trace id is random (W3C Level 2)
  static constexpr std::uint8_t kError = 0x04;
  static constexpr std::uint8_t kFollowsFrom = 0x08;   // the parent reference is followsFrom
  static constexpr std::uint8_t kRemoteParent = 0x10;  // the parent came from another process
  static constexpr std::uint8_t kRenamed = 0x20;  // a kSpanNameKey entry names it (trace/internal/field.hpp)
  static constexpr std::uint8_t kForced = 0x80;  // recorded whatever the sampler said (TraceFlags::kForced)

  std::uint32_t size_bytes;     // header and entries
  std::uint16_t tracer;         // index in the tracer registry
  std::uint8_t flags;
  std::uint8_t dropped_fields;  // entries that did not fit (saturates at 255)
  const Callsite* callsite;
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_id;  // zero for a root
  std::uint64_t start_ticks;
  std::uint64_t end_ticks;

  // Draws the ids that nobody read while the span ran (trace/context.hpp, "Lazy
  // contexts"): what the collector does before any exporter sees the record.
  void mint_missing_ids(LocalIdState& ids) noexcept {
    if (span_id.valid()) return;
    if (!trace_id.valid()) trace_id = TraceId::from_state(ids.next());
    span_id = SpanId::from_state(ids.next());
  }

  Reference parent_reference() const noexcept {
    return (flags & kFollowsFrom) ? Reference::kFollowsFrom : Reference::kChildOf;
  }
  bool is_error() const noexcept { return (flags & kError) != 0; }
  const std::byte* entries_begin() const noexcept { return reinterpret_cast<const std::byte*>(this + 1); }
  const std::byte* entries_end() const noexcept { return reinterpret_cast<const std::byte*>(this) + size_bytes; }
};
static_assert(sizeof(SpanRecord) == 64, "the record header is one cache line");

}  // namespace zspan::detail
