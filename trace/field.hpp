// Fields: what a span carries besides its header (tags, logs, extra references), as
// entries after the SpanRecord header. Each entry names a static FieldKey, so the key's
// name and type are written as one pointer.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "trace/ids.hpp"

namespace zspan {

enum class FieldType : std::uint8_t {
  kBool,
  kInt64,
  kUint64,
  kDouble,
  kString,
  kReference,  // value: span id; payload: one entry holding the trace id (high, low)
};

struct FieldKey {
  std::string_view name;
  FieldType type;
};

struct FieldEntry {
  const FieldKey* key;
  std::uint64_t value;
};
static_assert(sizeof(FieldEntry) == 16);

// Keys of the references beyond the parent (a span may follow from several).
inline constexpr FieldKey kChildOfReference{"zspan.child_of", FieldType::kReference};
inline constexpr FieldKey kFollowsFromReference{"zspan.follows_from", FieldType::kReference};

// A reference entry: the span id in the entry, the trace id in its one payload entry.
inline void write_reference(FieldEntry* at, const FieldKey* key, TraceId trace_id, SpanId span_id) noexcept {
  at[0] = {key, span_id.value};
  std::uint64_t words[2] = {trace_id.high, trace_id.low};
  std::memcpy(static_cast<void*>(&at[1]), words, sizeof(words));
}
inline TraceId reference_trace_id(const FieldEntry* payload) noexcept {
  std::uint64_t words[2];
  std::memcpy(words, static_cast<const void*>(payload), sizeof(words));
  return {words[0], words[1]};
}

// How many 16-byte payload entries follow this one.
constexpr std::uint32_t payload_entries(const FieldEntry& e) noexcept {
  switch (e.key->type) {
    case FieldType::kReference: return 1;
    default: return 0;
  }
}

}  // namespace zspan
