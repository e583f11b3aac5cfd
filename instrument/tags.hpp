// Tags: what a span knows about its work (the route, the status, the SQL), typed at
// compile time and copied into the span's record without allocating.
//
//   inline constexpr zspan::TagKey<"cache.hit", bool> cache_hit;        // declared once
//   namespace tags = zspan::tags;                                        // the OpenTracing set
//
//   TRACE_SCOPE("get", tags::http_method = "GET", tags::http_status_code = 200);
//   TRACE_TAG(cache_hit, true);                    // tags the current span
//   span.tag(tags::db_statement, sql);             // a guard's tag
//   TRACE_TAG(tags::http_status_code, "200");      // compile error: the key wants an integer
//
// A key's value type is one of bool, std::int64_t, std::uint64_t, double,
// std::string_view, or std::span<const E> of those (an array; pass any contiguous range).
// Integers of other widths convert when the value always fits; strings longer than
// ZSPAN_MAX_STRING_BYTES are cut there and marked truncated. A tag that does not fit the
// span's field storage is dropped and counted on the span (SpanRecord::dropped_fields).
//
// A StrictTracer also checks each TRACE_SCOPE_WITH tag against its Schema: a key the
// schema does not list is a compile error.
//
//   using CheckoutSchema = zspan::Schema<tags::http_method, tags::http_status_code>;
//   zspan::StrictTracer<CheckoutSchema, zspan::AlwaysOnSampler, Exporter> checkout{"checkout"};
//   TRACE_SCOPE_WITH(checkout, "pay", tags::db_statement = q);   // error: not in the schema
#pragma once

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ranges>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/hana/find.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/optional.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/set.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include "instrument/config.hpp"
#include "trace/recording.hpp"

namespace zspan {

// A key name as a template argument: TagKey<"http.method", std::string_view>.
template <std::size_t N>
struct FixedName {
  char chars[N]{};
  constexpr FixedName(const char (&name)[N]) noexcept { std::copy_n(name, N, chars); }
  constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

namespace detail {

template <class V>
concept Character = std::same_as<V, char> || std::same_as<V, wchar_t> || std::same_as<V, char8_t> ||
                    std::same_as<V, char16_t> || std::same_as<V, char32_t>;
template <class V>
concept Integer = std::integral<V> && !std::same_as<V, bool> && !Character<V>;
template <class V>
concept StringLike = std::is_convertible_v<const V&, std::string_view> && !std::same_as<V, std::nullptr_t>;

// How a declared value type T is recorded, and which values it accepts.
template <class T>
struct TagValueTraits;  // only the types listed in the header comment

template <>
struct TagValueTraits<bool> {
  static constexpr FieldType type = FieldType::kBool;
  template <class V>
  static constexpr bool accepts = std::same_as<V, bool>;
};
template <>
struct TagValueTraits<std::int64_t> {
  static constexpr FieldType type = FieldType::kInt64;
  template <class V>
  static constexpr bool accepts = Integer<V> && (std::is_signed_v<V> || sizeof(V) < sizeof(std::int64_t));
};
template <>
struct TagValueTraits<std::uint64_t> {
  static constexpr FieldType type = FieldType::kUint64;
  template <class V>
  static constexpr bool accepts = Integer<V> && std::is_unsigned_v<V>;
};
template <>
struct TagValueTraits<double> {
  static constexpr FieldType type = FieldType::kDouble;
  template <class V>
  static constexpr bool accepts = std::floating_point<V> || Integer<V>;
};
template <>
struct TagValueTraits<std::string_view> {
  static constexpr FieldType type = FieldType::kString;
  template <class V>
  static constexpr bool accepts = StringLike<V>;
};
template <class E>
struct TagValueTraits<std::span<const E>> {
  static constexpr FieldType type =
      static_cast<FieldType>(static_cast<std::uint8_t>(FieldType::kBoolArray) + static_cast<std::uint8_t>(TagValueTraits<E>::type));
  template <class V>
  static constexpr bool accepts = std::ranges::contiguous_range<const V> && std::ranges::sized_range<const V> &&
                                  TagValueTraits<E>::template accepts<std::ranges::range_value_t<const V>>;
};
static_assert(TagValueTraits<std::span<const std::string_view>>::type == FieldType::kStringArray);

template <class T, class V>
inline constexpr bool tag_accepts = TagValueTraits<T>::template accepts<std::remove_cvref_t<V>>;

// What a tag assignment keeps of its value until it is written: the value itself, a view
// of the string, or a span over the elements (converted as they are written).
template <class T, class V>
constexpr auto stored_value(const V& value) noexcept {
  if constexpr (std::same_as<T, std::string_view>) {
    if constexpr (std::is_pointer_v<V>)
      return value ? std::string_view(value) : std::string_view();
    else
      return std::string_view(value);
  } else if constexpr (is_array(TagValueTraits<T>::type)) {
    return std::span<const std::ranges::range_value_t<const V>>(std::ranges::data(value), std::ranges::size(value));
  } else {
    return static_cast<T>(value);
  }
}

template <class>
inline constexpr bool always_false = false;

}  // namespace detail

// The compile errors tag misuse produces. GCC and Clang print the key name, the expected
// and the given type as the template arguments of the struct they instantiate.
template <FixedName Key, class Expected, class Given>
struct wrong_tag_value_type {
  static_assert(detail::always_false<Given>,
                "zspan: this tag key does not accept a value of this type; see the key name, the value type it was "
                "declared with and the type given in 'wrong_tag_value_type<key, expected, given>'");
};
template <FixedName Key, class Schema>
struct tag_key_not_in_schema {
  static_assert(detail::always_false<Schema>,
                "zspan: this tracer's schema does not list this tag key; see 'tag_key_not_in_schema<key, schema>'");
};
template <FixedName Key, class SchemaType, class KeyType>
struct tag_key_type_differs_from_schema {
  static_assert(detail::always_false<KeyType>,
                "zspan: this tag key is declared with another value type than the schema's key of the same name; see "
                "'tag_key_type_differs_from_schema<key, schema type, key type>'");
};

// A key with its value, as `key = value` makes it. Consumed by the statement that makes
// it: it may view the value (a string, an array).
template <class Key, class Stored>
struct Tagged {
  using key_type = Key;
  Stored value;
};

template <FixedName Name, class T, FixedName OtelName = Name>
struct TagKey {
  using value_type = T;
  static constexpr FixedName name = Name;
  // What the span record points to. otel_name is the OpenTelemetry attribute name.
  static constexpr FieldKey field{Name.view(), detail::TagValueTraits<T>::type,
                                  OtelName.view() == Name.view() ? std::string_view() : OtelName.view()};

  template <class V>
  constexpr auto operator=(const V& value) const noexcept {
    if constexpr (detail::tag_accepts<T, V>)
      return Tagged<TagKey, decltype(detail::stored_value<T>(value))>{detail::stored_value<T>(value)};
    else
      return wrong_tag_value_type<Name, T, std::remove_cvref_t<V>>{};
  }
};

// The standard OpenTracing tags, and the OpenTelemetry attribute each maps to where the
// names differ (semantic conventions 1.26). Two are not attributes in OpenTelemetry:
// span.kind is the span's SpanKind and error is its status (an exporter maps both).
namespace tags {
inline constexpr TagKey<"span.kind", std::string_view> span_kind;  // client, server, producer, consumer
inline constexpr TagKey<"component", std::string_view> component;
inline constexpr TagKey<"error", bool> error;  // sets or clears the span's error mark; not stored
inline constexpr TagKey<"http.method", std::string_view, "http.request.method"> http_method;
inline constexpr TagKey<"http.url", std::string_view, "url.full"> http_url;
inline constexpr TagKey<"http.status_code", std::int64_t, "http.response.status_code"> http_status_code;
inline constexpr TagKey<"db.type", std::string_view, "db.system"> db_type;
inline constexpr TagKey<"db.instance", std::string_view, "db.namespace"> db_instance;
inline constexpr TagKey<"db.statement", std::string_view, "db.query.text"> db_statement;
inline constexpr TagKey<"db.user", std::string_view> db_user;
inline constexpr TagKey<"peer.service", std::string_view> peer_service;
inline constexpr TagKey<"peer.hostname", std::string_view, "server.address"> peer_hostname;
inline constexpr TagKey<"peer.ipv4", std::string_view, "network.peer.address"> peer_ipv4;
inline constexpr TagKey<"peer.ipv6", std::string_view, "network.peer.address"> peer_ipv6;
inline constexpr TagKey<"peer.port", std::int64_t, "network.peer.port"> peer_port;
inline constexpr TagKey<"message_bus.destination", std::string_view, "messaging.destination.name"> message_bus_destination;
inline constexpr TagKey<"sampling.priority", std::int64_t> sampling_priority;
}  // namespace tags

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
ZSPAN_ALWAYS_INLINE std::uint64_t field_entries(const Stored& value) noexcept {
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
ZSPAN_ALWAYS_INLINE void write_field(FieldEntry* at, std::uint64_t entries, const FieldKey* key, const Stored& value) noexcept {
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

// A key's name as a Hana compile-time string: the schema's lookup key.
template <class Key>
constexpr auto hana_name() noexcept {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return boost::hana::string_c<Key::name.chars[I]...>;
  }(std::make_index_sequence<Key::name.view().size()>{});
}

}  // namespace detail

// Records one tag on the span `node` writes to. The hot path: a capacity check and a few
// stores (a memcpy for a long string).
template <class Key, class Stored>
ZSPAN_ALWAYS_INLINE void set_tag(ContextNode& node, const Tagged<Key, Stored>& tag) noexcept {
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

// Compile-time schemas: which keys a StrictTracer's spans accept, as a Hana map from key
// name to value type. Keys are looked up by name, so a key declared twice must agree.
template <auto... Keys>
struct Schema {
  static constexpr auto types = boost::hana::make_map(boost::hana::make_pair(
      detail::hana_name<decltype(Keys)>(), boost::hana::type_c<typename decltype(Keys)::value_type>)...);
};
// Accepts every key: the schema of an ordinary Tracer.
struct OpenSchema {};

namespace detail {

template <class SchemaT, class Key>
constexpr bool check_schema() noexcept {
  if constexpr (!std::same_as<SchemaT, OpenSchema>) {
    constexpr auto declared = boost::hana::find(SchemaT::types, hana_name<Key>());
    if constexpr (boost::hana::is_nothing(declared)) {
      static_cast<void>(sizeof(tag_key_not_in_schema<Key::name, SchemaT>));
    } else {
      using Declared = typename std::remove_cvref_t<decltype(*declared)>::type;
      if constexpr (!std::same_as<Declared, typename Key::value_type>)
        static_cast<void>(sizeof(tag_key_type_differs_from_schema<Key::name, Declared, typename Key::value_type>));
    }
  }
  return true;
}

template <class... Keys>
constexpr bool distinct_keys() noexcept {
  constexpr auto names = boost::hana::make_tuple(hana_name<Keys>()...);
  return boost::hana::length(boost::hana::to_set(names)) == boost::hana::length(names);
}

// A class, so that naming it (even in a discarded statement) runs the checks.
template <class SchemaT, class... Keys>
struct ScopeTagsCheck {
  static_assert(distinct_keys<Keys...>(), "zspan: the same tag key appears twice in one span's tags");
  static_assert((check_schema<SchemaT, Keys>() && ...));
};

}  // namespace detail

// A Tracer whose spans started by TRACE_SCOPE_WITH accept only the tags of SchemaT.
// Everything else is the wrapped Tracer's (pass tracer() where a TracerBase is wanted).
template <class SchemaT, Sampler SamplerT, Exporter ExporterT>
class StrictTracer {
 public:
  using schema = SchemaT;
  using sampler_type = SamplerT;

  template <class... ExporterArgs>
  explicit StrictTracer(std::string_view service, SamplerT sampler = {}, ExporterArgs&&... exporter_args)
      : tracer_(service, std::move(sampler), std::forward<ExporterArgs>(exporter_args)...) {}

  Tracer<SamplerT, ExporterT>& tracer() noexcept { return tracer_; }
  ExporterT& exporter() noexcept { return tracer_.exporter(); }
  SamplerT& sampler() noexcept { return tracer_.sampler(); }
  // What start_span asks of a tracer.
  bool should_sample(const SamplingInput& in) noexcept { return tracer_.should_sample(in); }
  std::uint16_t slot() const noexcept { return tracer_.slot(); }

 private:
  Tracer<SamplerT, ExporterT> tracer_;
};

template <class TracerT>
struct schema_of {
  using type = OpenSchema;
};
template <class SchemaT, class SamplerT, class ExporterT>
struct schema_of<StrictTracer<SchemaT, SamplerT, ExporterT>> {
  using type = SchemaT;
};

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
ZSPAN_ALWAYS_INLINE std::uint64_t write_tag_at(ContextNode& node, FieldEntry* at,
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
ZSPAN_ALWAYS_INLINE void set_scope_tags(ContextNode& node, const Tagged<Key, Stored>&... tags) noexcept {
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
