// Decoding a span's fields: the one place exporters learn what the entries of a record
// mean (trace/internal/field.hpp writes them). Views point into the record: valid during the
// export call only.
//
//   zspan::for_each_decoded_field(span, [&](const zspan::Field& f) {
//     std::visit([&](const auto& value) { write(f.key->otel(), value); }, f.value);
//   });
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <variant>

#include "zspan/trace/clock.hpp"
#include "zspan/trace/internal/field.hpp"
#include "zspan/trace/export/span_view.hpp"

namespace zspan {

struct StringValue {
  std::string_view text;
  std::uint32_t original_size;  // text.size() unless the string was cut (size or length limit)

  bool truncated() const noexcept { return original_size > text.size(); }

  // At most `max_chars` characters (UTF-8 code points), never cut inside one;
  // original_size stays.
  StringValue first_chars(std::uint64_t max_chars) const noexcept {
    if (max_chars >= text.size()) return *this;
    std::size_t end = 0;
    for (std::uint64_t chars = 0; end < text.size(); ++end) {
      const bool starts_char = (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
      if (starts_char && chars++ == max_chars) break;
    }
    return {text.substr(0, end), original_size};
  }
};

using ScalarValue = std::variant<bool, std::int64_t, std::uint64_t, double, StringValue>;

namespace detail {
inline std::uint64_t load_word(const std::byte* at) noexcept {
  std::uint64_t word;
  std::memcpy(&word, at, sizeof(word));
  return word;
}

// A string whose 8-byte value is at `value_at` and whose bytes, if any, follow it.
inline StringValue string_at(const std::byte* value_at) noexcept {
  const std::uint64_t value = load_word(value_at);
  const std::string_view text = stored_string(value_at);
  return {text, is_inline_string(value) ? static_cast<std::uint32_t>(text.size())
                                        : std::bit_cast<LongString>(value).original_size};
}

inline ScalarValue scalar(FieldType type, std::uint64_t value) noexcept {
  switch (type) {
    case FieldType::kBool: return value != 0;
    case FieldType::kInt64: return std::bit_cast<std::int64_t>(value);
    case FieldType::kDouble: return std::bit_cast<double>(value);
    default: return value;
  }
}
}  // namespace detail

class ArrayValue {
 public:
  ArrayValue(detail::FieldType type, std::uint32_t size, const std::byte* words) noexcept
      : element_type_(type), size_(size), words_(words) {}

  detail::FieldType element_type() const noexcept { return element_type_; }
  std::uint32_t size() const noexcept { return size_; }

  // The same array, its strings cut to `max_chars` characters (StringValue::first_chars).
  ArrayValue first_chars(std::uint64_t max_chars) const noexcept {
    ArrayValue cut = *this;
    cut.max_chars_ = std::min(max_chars_, max_chars);
    return cut;
  }

  // Calls on_element(const ScalarValue&) for each element in order.
  template <class OnElement>
  void for_each(OnElement&& on_element) const {
    const std::byte* at = words_;
    for (std::uint32_t i = 0; i < size_; ++i) {
      if (element_type_ == detail::FieldType::kString) {
        on_element(ScalarValue(detail::string_at(at).first_chars(max_chars_)));
        at += 8 * (1 + detail::string_payload_words(detail::load_word(at)));
      } else {
        on_element(detail::scalar(element_type_, detail::load_word(at)));
        at += 8;
      }
    }
  }

 private:
  detail::FieldType element_type_;
  std::uint32_t size_;
  const std::byte* words_;
  std::uint64_t max_chars_ = UINT64_MAX;
};

struct ReferenceValue {
  Reference kind;
  TraceId trace_id;
  SpanId span_id;
};

struct Field;

class LogValue {
 public:
  LogValue(std::uint64_t offset_ticks, const detail::FieldEntry* begin, const detail::FieldEntry* end) noexcept
      : offset_ticks_(offset_ticks), begin_(begin), end_(end) {}

  // When the log was written, in span clock ticks after the span's start.
  std::uint64_t offset_ticks() const noexcept { return offset_ticks_; }
  std::uint64_t unix_nanos(const SpanView& span) const noexcept {
    return span.start_unix_nanos() + span.clock().to_nanos(offset_ticks_);
  }

  // Calls on_field(const Field&) for each of the log's fields (never a log or reference).
  template <class OnField>
  void for_each_field(OnField&& on_field) const;

 private:
  std::uint64_t offset_ticks_;
  const detail::FieldEntry* begin_;
  const detail::FieldEntry* end_;
};

using FieldValue =
    std::variant<bool, std::int64_t, std::uint64_t, double, StringValue, ArrayValue, ReferenceValue, LogValue>;

struct Field {
  const detail::FieldKey* key;  // valid during the call that hands the field out
  FieldValue value;
};

// The field of `entry` under `key` (for_each_entry's arguments): `payload` points at the
// payload_entries(entry) entries that follow `entry`.
inline Field decode_field(const detail::FieldKey& key, const detail::FieldEntry& entry, const detail::FieldEntry* payload) noexcept {
  const detail::FieldType type = key.type;
  const auto* payload_bytes = reinterpret_cast<const std::byte*>(payload);
  switch (type) {
    case detail::FieldType::kString:
      return {&key, detail::string_at(reinterpret_cast<const std::byte*>(&entry.value))};
    case detail::FieldType::kReference:
      return {&key, ReferenceValue{entry.key == &detail::kFollowsFromReference ? Reference::kFollowsFrom : Reference::kChildOf,
                                   detail::reference_trace_id(payload), SpanId{entry.value}}};
    case detail::FieldType::kLog:
      return {&key, LogValue(detail::log_offset_ticks(entry.value), payload, payload + detail::payload_entries(entry))};
    case detail::FieldType::kBoolArray:
    case detail::FieldType::kInt64Array:
    case detail::FieldType::kUint64Array:
    case detail::FieldType::kDoubleArray:
    case detail::FieldType::kStringArray:
      return {&key, ArrayValue(detail::element_type(type), detail::array_size(entry.value), payload_bytes)};
    default:
      return {&key, std::visit([](auto v) { return FieldValue(v); }, detail::scalar(type, entry.value))};
  }
}

template <class OnField>
void LogValue::for_each_field(OnField&& on_field) const {
  detail::for_each_entry(begin_, end_, [&](const detail::FieldKey& key, const detail::FieldEntry& entry, const detail::FieldEntry* payload) {
    on_field(decode_field(key, entry, payload));
  });
}

// Calls on_field(const Field&) for each field of the span, in the order they were set.
// Field::key is valid during the call (a run-time key's, trace/internal/field.hpp).
template <class OnField>
void for_each_decoded_field(const SpanView& span, OnField&& on_field) {
  span.for_each_field([&](const detail::FieldKey& key, const detail::FieldEntry& entry, const detail::FieldEntry* payload) {
    on_field(decode_field(key, entry, payload));
  });
}

}  // namespace zspan
