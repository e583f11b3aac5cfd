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
// instrument/schema.hpp; an ordinary tracer's OpenSchema accepts every key). A run-time
// key's tag (DynamicTagKey, instrument/tag_key.hpp) also copies the key's name.
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

#include "zspan/instrument/config.hpp"
#include "zspan/instrument/tag_key.hpp"
#include "zspan/instrument/tags.hpp"
#include "zspan/trace/internal/recording.hpp"
#include "zspan/trace/run_time_name.hpp"

namespace zspan::detail {

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

inline void count_dropped_field(ContextNode& node) noexcept {
  if (ContextNode* owner = node.fields_owner(); owner && owner->record.dropped_fields != 0xff) ++owner->record.dropped_fields;
}

// Entries a tag takes, a run-time key's name included (none when that name is empty),
// and writing it at `at`, which has that many.
template <class Key, class Stored>
[[gnu::always_inline]] inline std::uint64_t tag_entries(const Tagged<Key, Stored>& tag) noexcept {
  using T = typename Key::value_type;
  if constexpr (is_dynamic_key<Key>) {
    const RunTimeName name = run_time_name(tag.key);
    if (name.text.empty()) return 0;
    return field_entries<std::string_view>(CutString{name.text, name.original_size}) + field_entries<T>(tag.value);
  } else {
    return field_entries<T>(tag.value);
  }
}

template <class Key, class Stored>
[[gnu::always_inline]] inline void write_tag(ContextNode& node, FieldEntry* at, std::uint64_t entries,
                                   const Tagged<Key, Stored>& tag) noexcept {
  using T = typename Key::value_type;
  if constexpr (is_dynamic_key<Key>) {
    const RunTimeName name = run_time_name(tag.key);
    if (name.irregular()) [[unlikely]] {
      note_irregular_name(name, NameUse::kTagKey);
      if (name.text.empty()) return count_dropped_field(node);
    }
    const CutString key{name.text, name.original_size};
    const std::uint64_t key_entries = field_entries<std::string_view>(key);
    write_field<std::string_view>(at, key_entries, &kTagNameKey, key);
    write_field<T>(at + key_entries, entries - key_entries, &kRunTimeKeyValue<TagValueTraits<T>::type>, tag.value);
  } else {
    write_field<T>(at, entries, &Key::field, tag.value);
  }
}

template <class Key>
inline constexpr bool is_error_tag = std::same_as<Key, std::remove_cvref_t<decltype(tags::error)>>;

inline void mark_error(ContextNode& node, bool failed) noexcept {
  if (ContextNode* owner = node.fields_owner()) {
    if (failed)
      owner->record.flags |= SpanRecord::kError;
    else
      owner->record.flags &= static_cast<std::uint8_t>(~SpanRecord::kError);
  }
}

// Records one tag on the span `node` writes to. The hot path: a capacity check and a few
// stores (a memcpy for a long string).
template <class Key, class Stored>
[[gnu::always_inline]] inline void set_tag(ContextNode& node, const Tagged<Key, Stored>& tag) noexcept {
  if constexpr (detail::is_error_tag<Key>) {
    detail::mark_error(node, tag.value);
  } else {
    const std::uint64_t entries = detail::tag_entries(tag);
    if (FieldEntry* at = reserve_entries(node, detail::clamp_entries(entries))) detail::write_tag(node, at, entries, tag);
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

// A TagKey's name; none for a run-time key, unknown until it runs.
template <class Key>
constexpr std::string_view static_name() noexcept {
  if constexpr (is_dynamic_key<Key>)
    return {};
  else
    return Key::name.view();
}

template <class... Keys>
constexpr bool distinct_keys() noexcept {
  const std::array<std::string_view, sizeof...(Keys)> names{static_name<Keys>()...};
  for (std::size_t i = 0; i < names.size(); ++i)
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (!names[i].empty() && names[i] == names[j]) return false;
  return true;
}

// A class, so that naming it (even in an unevaluated operand) runs the checks.
template <class SchemaT, class... Keys>
struct ScopeTagsCheck {
  static_assert(distinct_keys<Keys...>(), "zspan: the same tag key appears twice in one span's tags");
  static_assert((SchemaT::template admits<Keys>() && ...));
};

// The tags of TRACE_SCOPE_WITH(tracer, name, tags...): checked against the tracer's
// schema and for repeated keys at compile time, then recorded in order.
template <class TracerT, class... Key, class... Stored>
constexpr auto check_scope_tags(const Tagged<Key, Stored>&...) noexcept {
  return detail::ScopeTagsCheck<typename schema_of<std::remove_cvref_t<TracerT>>::type, Key...>{};
}

// The most entries a value of type T can take, or more than any span holds when its size
// has no bound (an array); and a tag of this key, a run-time key's name included.
template <class T>
constexpr std::uint64_t max_value_entries() noexcept {
  if constexpr (std::same_as<T, std::string_view>)
    return 1 + entries_for_words(string_payload_words_for(kMaxStringBytes));
  else if constexpr (is_array(TagValueTraits<T>::type))
    return std::uint64_t{1} << 32;
  else
    return 1;
}

template <class Key>
constexpr std::uint64_t max_field_entries() noexcept {
  if constexpr (is_error_tag<Key>)
    return 0;
  else if constexpr (is_dynamic_key<Key>)
    return 1 + entries_for_words(string_payload_words_for(kMaxNameBytes)) +
           max_value_entries<typename Key::value_type>();
  else
    return max_value_entries<typename Key::value_type>();
}

// Writes a tag at `at`, which has room for it; returns the entries it took.
template <class Key, class Stored>
[[gnu::always_inline]] inline std::uint64_t write_tag_at(ContextNode& node, FieldEntry* at,
                                               const Tagged<Key, Stored>& tag) noexcept {
  if constexpr (is_error_tag<Key>) {
    mark_error(node, tag.value);
    return 0;
  } else {
    const std::uint64_t entries = tag_entries(tag);
    write_tag(node, at, entries, tag);
    return entries;
  }
}

// The entry bytes that inline tags fill for sure, an entry each but the error flag: the
// FilledBytes of TRACE_SCOPE's guard (instrument/scoped_span.hpp). For decltype only.
template <class... Key, class... Stored>
auto filled_bytes(const Tagged<Key, Stored>&...) noexcept
    -> std::integral_constant<unsigned, ((is_error_tag<Key> ? 0u : unsigned{sizeof(FieldEntry)}) + ... + 0u)>;

// Records the tags of a span that has just started recording (node.owner == &node).
template <class TracerT, class... Key, class... Stored>
[[gnu::always_inline]] inline void set_scope_tags(ContextNode& node, const Tagged<Key, Stored>&... tags) noexcept {
  check_scope_tags<TracerT>(tags...);
  if constexpr ((detail::max_field_entries<Key>() + ... + 0) * sizeof(FieldEntry) <= kSpanFieldBytes) {
    // A fresh span always has room for these: no capacity check, and its size is its
    // header's and theirs (one store, which the compiler merges with the start's). Past
    // an entry a tag (a long string, a run-time key), its guard's end copies no fixed size.
    auto* const begin = reinterpret_cast<FieldEntry*>(node.entries());
    FieldEntry* at = begin;
    ((at += detail::write_tag_at(node, at, tags)), ...);
    const auto filled = static_cast<std::uint32_t>(reinterpret_cast<std::byte*>(at) - node.entries());
    node.record.size_bytes = static_cast<std::uint32_t>(sizeof(SpanRecord)) + filled;
    if (filled != decltype(detail::filled_bytes(tags...))::value) node.fields_grew();
  } else {
    (set_tag(node, tags), ...);
  }
}

}  // namespace zspan::detail