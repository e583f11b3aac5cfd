// Writing tags into a span's record: what TRACE_SCOPE's tags, TRACE_TAG and span.tag do
// once the span records.
//
//   TRACE_SCOPE("get", tags::http_method = "GET", tags::http_status_code = 200);
//   TRACE_TAG(tags::db_statement, sql);            // set_tag on the current span
//
// Strings longer than ZSPAN_MAX_STRING_BYTES are cut there and marked truncated. A tag
// that does not fit the span's field storage is dropped and counted on the span
// (SpanRecord::dropped_fields). A scope's tags are checked at compile time: one key twice
// is an error, and so is a key its tracer's schema does not list (a StrictTracer,
// instrument/schema.hpp; an ordinary tracer's OpenSchema accepts every key).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "instrument/config.hpp"
#include "instrument/tag_key.hpp"
#include "instrument/tags.hpp"
#include "trace/recording.hpp"

namespace zspan {

namespace detail {

// A string as recorded: at most kMaxStringBytes of it, and the size it had.
struct CutString {
  std::string_view text;
  std::size_t original_size;
};
inline CutString cut(std::string_view s) noexcept {
  return {{s.data(), std::min<std::size_t>(s.size(), kMaxStringBytes)}, s.size()};
}
inline CutString cut(const CutString& s) noexcept { return s; }  // cut where it was made (a formatted log)

inline std::uint64_t scalar_word(bool v) noexcept { return v; }
inline std::uint64_t scalar_word(std::int64_t v) noexcept { return std::bit_cast<std::uint64_t>(v); }
inline std::uint64_t scalar_word(std::uint64_t v) noexcept { return v; }
inline std::uint64_t scalar_word(double v) noexcept { return std::bit_cast<std::uint64_t>(v); }

constexpr std::uint64_t entries_for_words(std::uint64_t words) noexcept { return (words + 1) / 2; }

// Entries a field takes, its own included; and writing it there. T is the key's type.
template <class T, class Stored>
[[gnu::always_inline]] inline std::uint64_t field_entries(const Stored& value) noexcept {
  if constexpr (std::same_as<T, std::string_view>) {
    return 1 + entries_for_words(string_payload_words_for(cut(value).text.size()));
  } else if constexpr (is_array(TagValueTraits<T>::type)) {
    std::uint64_t words = value.size();
    if constexpr (std::same_as<typename T::value_type, std::string_view>)
      for (const auto& s : value) words += string_payload_words_for(cut(stored_value<std::string_view>(s)).text.size());
    return 1 + entries_for_words(words);
  } else {
    return 1;
  }
}

template <class T, class Stored>
[[gnu::always_inline]] inline void write_field(FieldEntry* at, std::uint64_t entries, const FieldKey* key, const Stored& value) noexcept {
  if constexpr (std::same_as<T, std::string_view>) {
    if (entries > 1) std::memset(static_cast<void*>(&at[entries - 1]), 0, sizeof(FieldEntry));
    const CutString s = cut(value);
    at[0] = {key, write_string(s.text, s.original_size, reinterpret_cast<std::byte*>(at + 1))};
  } else if constexpr (is_array(TagValueTraits<T>::type)) {
    using Element = typename T::value_type;
    if (entries > 1) std::memset(static_cast<void*>(&at[entries - 1]), 0, sizeof(FieldEntry));
    auto* word = reinterpret_cast<std::byte*>(at + 1);
    for (const auto& element : value) {
      std::uint64_t bits;
      std::uint32_t payload_words = 0;
      if constexpr (std::same_as<Element, std::string_view>) {
        const CutString s = cut(stored_value<std::string_view>(element));
        bits = write_string(s.text, s.original_size, word + 8);
        payload_words = string_payload_words(bits);
      } else {
        bits = scalar_word(static_cast<Element>(element));
      }
      std::memcpy(word, &bits, sizeof(bits));
      word += 8 * (1 + payload_words);
    }
    at[0] = {key, array_value(static_cast<std::uint32_t>(value.size()), static_cast<std::uint32_t>(entries - 1))};
  } else {
    at[0] = {key, scalar_word(value)};
  }
}

// Bounds what reserve_entries is asked for: no span has 2^24 entries of storage.
constexpr std::uint32_t clamp_entries(std::uint64_t entries) noexcept {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(entries, std::uint64_t{1} << 24));
}

template <class Key>
inline constexpr bool is_error_tag = std::same_as<Key, std::remove_cvref_t<decltype(tags::error)>>;

inline void mark_error(ContextNode& node, bool failed) noexcept {
  if (ContextNode* owner = node.owner) {
    if (failed)
      owner->record.flags |= SpanRecord::kError;
    else
      owner->record.flags &= static_cast<std::uint8_t>(~SpanRecord::kError);
  }
}

}  // namespace detail

// Records one tag on the span `node` writes to. The hot path: a capacity check and a few
// stores (a memcpy for a long string).
template <class Key, class Stored>
[[gnu::always_inline]] inline void set_tag(ContextNode& node, const Tagged<Key, Stored>& tag) noexcept {
  using T = typename Key::value_type;
  if constexpr (detail::is_error_tag<Key>) {
    detail::mark_error(node, tag.value);
  } else {
    const std::uint64_t entries = detail::field_entries<T>(tag.value);
    if (FieldEntry* at = reserve_entries(node, detail::clamp_entries(entries)))
      detail::write_field<T>(at, entries, &Key::field, tag.value);
  }
}

// Records a string tag cut at `max_bytes` (at most 65535) instead of ZSPAN_MAX_STRING_BYTES:
// for the few values worth keeping whole (an SQL statement) in a span with room for them
// (BasicScopedSpan). Returns false when the string was cut.
template <class Key>
  requires std::same_as<typename Key::value_type, std::string_view>
bool set_long_string_tag(ContextNode& node, const Key&, std::string_view value, std::size_t max_bytes) noexcept {
  const detail::CutString s{value.substr(0, std::min<std::size_t>(max_bytes, UINT16_MAX)), value.size()};
  const std::uint64_t entries = 1 + detail::entries_for_words(string_payload_words_for(s.text.size()));
  if (FieldEntry* at = reserve_entries(node, detail::clamp_entries(entries)))
    detail::write_field<std::string_view>(at, entries, &Key::field, s);
  return s.text.size() == value.size();
}

// Accepts every key: the schema of an ordinary Tracer.
struct OpenSchema {
  template <class Key>
  static constexpr bool admits() noexcept {
    return true;
  }
};

// The schema a tracer's scopes check their tags against.
template <class TracerT>
struct schema_of {
  using type = OpenSchema;
};

namespace detail {

template <class... Keys>
constexpr bool distinct_keys() noexcept {
  const std::array<std::string_view, sizeof...(Keys)> names{Keys::name.view()...};
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (names[i] == names[j]) return false;
  return true;
}

// A class, so that naming it (even in an unevaluated operand) runs the checks.
template <class SchemaT, class... Keys>
struct ScopeTagsCheck {
  static_assert(distinct_keys<Keys...>(), "zspan: the same tag key appears twice in one span's tags");
  static_assert((SchemaT::template admits<Keys>() && ...));
};

}  // namespace detail

// The tags of TRACE_SCOPE_WITH(tracer, name, tags...): checked against the tracer's
// schema and for repeated keys at compile time, then recorded in order.
template <class TracerT, class... Key, class... Stored>
constexpr auto check_scope_tags(const Tagged<Key, Stored>&...) noexcept {
  return detail::ScopeTagsCheck<typename schema_of<std::remove_cvref_t<TracerT>>::type, Key...>{};
}

namespace detail {

// The most entries a tag of this key can take, or more than any span holds when its
// size has no bound (an array).
template <class Key>
constexpr std::uint64_t max_field_entries() noexcept {
  using T = typename Key::value_type;
  if constexpr (is_error_tag<Key>)
    return 0;
  else if constexpr (std::same_as<T, std::string_view>)
    return 1 + entries_for_words(string_payload_words_for(kMaxStringBytes));
  else if constexpr (is_array(TagValueTraits<T>::type))
    return std::uint64_t{1} << 32;
  else
    return 1;
}

// Writes a tag at `at`, which has room for it; returns the entries it took.
template <class Key, class Stored>
[[gnu::always_inline]] inline std::uint64_t write_tag_at(ContextNode& node, FieldEntry* at,
                                               const Tagged<Key, Stored>& tag) noexcept {
  using T = typename Key::value_type;
  if constexpr (is_error_tag<Key>) {
    mark_error(node, tag.value);
    return 0;
  } else {
    const std::uint64_t entries = field_entries<T>(tag.value);
    write_field<T>(at, entries, &Key::field, tag.value);
    return entries;
  }
}

}  // namespace detail

// Records the tags of a span that has just started recording (node.owner == &node).
template <class TracerT, class... Key, class... Stored>
[[gnu::always_inline]] inline void set_scope_tags(ContextNode& node, const Tagged<Key, Stored>&... tags) noexcept {
  check_scope_tags<TracerT>(tags...);
  if constexpr ((detail::max_field_entries<Key>() + ... + 0) * sizeof(FieldEntry) <= kSpanFieldBytes) {
    // A fresh span always has room for these: no capacity check, one size update.
    auto* const begin = reinterpret_cast<FieldEntry*>(node.entries());
    FieldEntry* at = begin;
    ((at += detail::write_tag_at(node, at, tags)), ...);
    node.record.size_bytes += static_cast<std::uint32_t>(reinterpret_cast<std::byte*>(at) - node.entries());
  } else {
    (set_tag(node, tags), ...);
  }
}

}  // namespace zspan