// Fields: what a span carries besides its header (tags, logs, extra references), as
// 16-byte entries after the SpanRecord header. Each entry names a static FieldKey, so the
// key's name and type are written as one pointer; values that do not fit the entry's
// 8 bytes continue in payload entries, and payload_entries() says how many.
//
//   type            entry value                           payload entries
//   bool/int/double the value (doubles and ints bit-cast)  0
//   string          <= 7 bytes: the bytes, size in byte 7  0
//                   longer: a LongString header            ceil(stored size / 16): the bytes
//   arrays          element count | payload entries << 32  elements as 8-byte words; a string
//                                                          element is its 8-byte value, then
//                                                          its bytes padded to 8
//   reference       span id                                1: trace id (high, low)
//   log             ticks since span start | entries << 48 the log's own fields, as entries
//
// Names known only at run time are string entries of two reserved keys, which readers
// resolve (for_each_entry) instead of handing them out as fields:
//   kSpanNameKey    the span's name, in place of its callsite's (the last one wins)
//   kTagNameKey     the key of the field that follows it, whose entry names
//                   kRunTimeKeyValue<its type>: a tag key known only at run time
//
// Writers are here; trace/export/field_reader.hpp decodes. The layout is the memory layout of one
// process (written and read by the same binary), never a wire format.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "zspan/trace/ids.hpp"

namespace zspan::detail {

enum class FieldType : std::uint8_t {
  kBool,
  kInt64,
  kUint64,
  kDouble,
  kString,
  kReference,  // value: span id; payload: one entry holding the trace id (high, low)
  kBoolArray,
  kInt64Array,
  kUint64Array,
  kDoubleArray,
  kStringArray,
  kLog,  // a timestamped group of fields (OpenTracing log, OpenTelemetry span event)
};

constexpr bool is_array(FieldType t) noexcept { return t >= FieldType::kBoolArray && t <= FieldType::kStringArray; }
// kBoolArray -> kBool ... kStringArray -> kString.
constexpr FieldType element_type(FieldType array) noexcept {
  return array == FieldType::kStringArray
             ? FieldType::kString
             : static_cast<FieldType>(static_cast<std::uint8_t>(array) - static_cast<std::uint8_t>(FieldType::kBoolArray));
}

struct FieldKey {
  std::string_view name;
  FieldType type;
  // The OpenTelemetry attribute name, when it differs from `name` (see instrument/tags.hpp).
  std::string_view otel_name = {};

  constexpr std::string_view otel() const noexcept { return otel_name.empty() ? name : otel_name; }
};

struct FieldEntry {
  const FieldKey* key;
  std::uint64_t value;
};
static_assert(sizeof(FieldEntry) == 16);

// Keys of the references beyond the parent (a span may follow from several).
inline constexpr FieldKey kChildOfReference{"zspan.child_of", FieldType::kReference};
inline constexpr FieldKey kFollowsFromReference{"zspan.follows_from", FieldType::kReference};
// The key of every log entry; the log's fields carry their own keys.
inline constexpr FieldKey kLogKey{"zspan.log", FieldType::kLog};

// Names known only at run time (see above; instrument/span_name.hpp and DynamicTagKey in
// instrument/tag_key.hpp write them).
inline constexpr FieldKey kSpanNameKey{"zspan.span_name", FieldType::kString};
inline constexpr FieldKey kTagNameKey{"zspan.tag_name", FieldType::kString};
template <FieldType T>
inline constexpr FieldKey kRunTimeKeyValue{"zspan.run_time_key", T};

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

// Strings. The 8-byte value of a string holds it whole when it is short (the bytes, then
// the size in byte 7) or else describes the bytes that follow it.
inline constexpr std::size_t kInlineStringBytes = 7;
struct LongString {
  static constexpr std::uint8_t kMarker = 0x80;  // byte 7; inline sizes are 0..7
  std::uint32_t original_size;  // before truncation, saturated
  std::uint16_t stored_size;
  std::uint8_t unused = 0;
  std::uint8_t marker = kMarker;
};
static_assert(sizeof(LongString) == 8 && offsetof(LongString, marker) == 7);

constexpr bool is_inline_string(std::uint64_t value) noexcept {
  return std::bit_cast<std::array<char, 8>>(value)[7] != static_cast<char>(LongString::kMarker);
}
// 8-byte words of bytes that follow a string's value.
constexpr std::uint32_t string_payload_words(std::uint64_t value) noexcept {
  return is_inline_string(value) ? 0 : (std::bit_cast<LongString>(value).stored_size + 7u) / 8u;
}
constexpr std::uint32_t string_payload_words_for(std::size_t stored_size) noexcept {
  return stored_size <= kInlineStringBytes ? 0 : static_cast<std::uint32_t>((stored_size + 7) / 8);
}

// The value of a string of at most kInlineStringBytes. Little-endian, it is assembled
// from at most two 4-byte loads (or three byte loads): no memcpy call for a run-time
// string, and one immediate for a constant one.
inline std::uint64_t inline_string_value(std::string_view s) noexcept {
  const std::size_t n = s.size();
  if constexpr (std::endian::native == std::endian::little) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::uint64_t bytes = 0;
    if (n >= 4) {
      std::uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);  // overlaps head when n < 8
      bytes = head | (std::uint64_t{tail} << (8 * (n - 4)));
    } else if (n > 0) {
      bytes = p[0] | (std::uint64_t{p[n / 2]} << (8 * (n / 2))) | (std::uint64_t{p[n - 1]} << (8 * (n - 1)));
    }
    return bytes | (std::uint64_t{n} << 56);
  } else {
    std::array<char, 8> bytes{};
    // An empty view may have no data (std::string_view{}), and memcpy's pointers must be
    // valid even for 0 bytes (C17 §7.24.1p2).
    if (n) std::memcpy(bytes.data(), s.data(), n);
    bytes[7] = static_cast<char>(n);
    return std::bit_cast<std::uint64_t>(bytes);
  }
}

// Writes `stored` (a prefix of a string of `original_size` bytes) as a value word and its
// payload bytes at `payload`, which has string_payload_words_for(stored.size()) words.
inline std::uint64_t write_string(std::string_view stored, std::size_t original_size, std::byte* payload) noexcept {
  if (stored.size() <= kInlineStringBytes) return inline_string_value(stored);
  // The last word zeroed, then the bytes over it: its padding is zero without a memset call.
  std::memset(payload + (string_payload_words_for(stored.size()) - 1) * 8, 0, 8);
  std::memcpy(payload, stored.data(), stored.size());
  return std::bit_cast<std::uint64_t>(
      LongString{static_cast<std::uint32_t>(std::min<std::size_t>(original_size, UINT32_MAX)),
                 static_cast<std::uint16_t>(stored.size())});
}

// The bytes of the string whose 8-byte value is at `value_at`, its payload after it.
inline std::string_view stored_string(const std::byte* value_at) noexcept {
  std::uint64_t value;
  std::memcpy(&value, value_at, sizeof(value));
  const auto* bytes = reinterpret_cast<const char*>(value_at);
  if (is_inline_string(value)) return {bytes, static_cast<std::uint8_t>(bytes[7])};
  return {bytes + 8, std::bit_cast<LongString>(value).stored_size};
}

// Arrays and logs: their value says how many payload entries follow.
constexpr std::uint64_t array_value(std::uint32_t count, std::uint32_t payload_entries) noexcept {
  return count | (std::uint64_t{payload_entries} << 32);
}
constexpr std::uint32_t array_size(std::uint64_t value) noexcept { return static_cast<std::uint32_t>(value); }

inline constexpr std::uint64_t kMaxLogOffsetTicks = (std::uint64_t{1} << 48) - 1;  // ~26 h of 3 GHz TSC
inline constexpr std::uint32_t kMaxLogEntries = 0xffff;
// A log later than kMaxLogOffsetTicks after its span's start is stamped at that offset.
constexpr std::uint64_t log_value(std::uint64_t ticks_since_start, std::uint32_t entries) noexcept {
  return std::min(ticks_since_start, kMaxLogOffsetTicks) | (std::uint64_t{entries} << 48);
}
constexpr std::uint64_t log_offset_ticks(std::uint64_t value) noexcept { return value & kMaxLogOffsetTicks; }

// How many 16-byte payload entries follow this one.
constexpr std::uint32_t payload_entries(const FieldEntry& e) noexcept {
  switch (e.key->type) {
    case FieldType::kReference: return 1;
    case FieldType::kString: return (string_payload_words(e.value) + 1) / 2;
    case FieldType::kBoolArray:
    case FieldType::kInt64Array:
    case FieldType::kUint64Array:
    case FieldType::kDoubleArray:
    case FieldType::kStringArray: return static_cast<std::uint32_t>(e.value >> 32);
    case FieldType::kLog: return static_cast<std::uint32_t>(e.value >> 48);
    default: return 0;
  }
}

// Calls on_field(const FieldKey& key, const FieldEntry& entry, const FieldEntry* payload)
// for each field in [begin, end), where `payload` points at payload_entries(entry) further
// entries. A run-time tag key comes as `key` (valid during the call; its name points into
// the record), its value's entry as `entry`; a span name is no field and is skipped.
template <class OnField>
void for_each_entry(const FieldEntry* e, const FieldEntry* end, OnField&& on_field) {
  while (e < end) {
    const FieldEntry* next = e + 1 + payload_entries(*e);
    if (e->key == &kTagNameKey && next < end) {  // written together with its value
      const FieldKey key{stored_string(reinterpret_cast<const std::byte*>(&e->value)), next->key->type};
      on_field(key, *next, next + 1);
      next += 1 + payload_entries(*next);
    } else if (e->key != &kSpanNameKey) {
      on_field(*e->key, *e, e + 1);
    }
    e = next;
  }
}

}  // namespace zspan::detail
