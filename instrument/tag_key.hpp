// TagKey: a tag's key, declared once with the type of its values; `key = value` makes the
// tag (a Tagged) that TRACE_SCOPE, TRACE_TAG, span.tag and log fields take.
//
//   inline constexpr zspan::TagKey<"cache.hit", bool> cache_hit;        // declared once
//   inline constexpr zspan::TagKey<"http.method", std::string_view, "http.request.method"> m;
//                                                   // the third argument: its OpenTelemetry name
//   TRACE_TAG(cache_hit, true);
//   TRACE_TAG(cache_hit, "yes");                    // compile error: the key wants a bool
//
// A key's value type is one of bool, std::int64_t, std::uint64_t, double,
// std::string_view, or std::span<const E> of those (an array; pass any contiguous range).
// Integers of other widths convert when the value always fits. A value of another type is
// a compile error naming the key, the declared and the given type (wrong_tag_value_type).
//
// DynamicTagKey: a key whose name is known only at run time (attributes named by
// configuration or by a request), opt-in. Its value type is still checked at compile time;
// its name is copied into the record like the value (trace/run_time_name.hpp: at most 128
// bytes, cut at a character boundary and counted; an empty name drops the tag, counted on
// the span), and exporters show it as they show a TagKey's. A StrictTracer's scopes refuse
// it at compile time (its Schema cannot check a name it does not know), and a scope's check
// for a key given twice sees only TagKeys.
//
//   const zspan::DynamicTagKey<std::int64_t> quota{config.quota_attribute};
//   TRACE_TAG(quota, 42);                           // as with a TagKey
//   TRACE_TAG(quota, "42");                         // compile error: the key wants an integer
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "zspan/trace/internal/field.hpp"

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

// The compile error of a value of the wrong type. GCC and Clang print the key name, the
// expected and the given type as the template arguments of the struct they instantiate.
template <FixedName Key, class Expected, class Given>
struct wrong_tag_value_type {
  static_assert(detail::always_false<Given>,
                "zspan: this tag key does not accept a value of this type; see the key name, the value type it was "
                "declared with and the type given in 'wrong_tag_value_type<key, expected, given>'");
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
  static constexpr detail::FieldKey field{Name.view(), detail::TagValueTraits<T>::type,
                                  OtelName.view() == Name.view() ? std::string_view() : OtelName.view()};

  template <class V>
  constexpr auto operator=(const V& value) const noexcept {
    if constexpr (detail::tag_accepts<T, V>)
      return Tagged<TagKey, decltype(detail::stored_value<T>(value))>{detail::stored_value<T>(value)};
    else
      return wrong_tag_value_type<Name, T, std::remove_cvref_t<V>>{};
  }
};

template <class T>
class DynamicTagKey {
 public:
  using value_type = T;

  // The key views `name`, which must outlive it: a temporary std::string would not.
  constexpr explicit DynamicTagKey(std::string_view name) noexcept : name_(name) {}
  template <class S>
    requires std::same_as<S, std::string>
  explicit DynamicTagKey(S&&) = delete;
  constexpr std::string_view name() const noexcept { return name_; }

  template <class V>
  constexpr auto operator=(const V& value) const noexcept {
    if constexpr (detail::tag_accepts<T, V>)
      return Tagged<DynamicTagKey, decltype(detail::stored_value<T>(value))>{name_, detail::stored_value<T>(value)};
    else
      return wrong_tag_value_type<"(a DynamicTagKey)", T, std::remove_cvref_t<V>>{};
  }

 private:
  std::string_view name_;
};

// A run-time key's tag keeps the key's name (a view: consumed by the statement that makes it).
template <class T, class Stored>
struct Tagged<DynamicTagKey<T>, Stored> {
  using key_type = DynamicTagKey<T>;
  std::string_view key;
  Stored value;
};

namespace detail {
template <class Key>
inline constexpr bool is_dynamic_key = false;
template <class T>
inline constexpr bool is_dynamic_key<DynamicTagKey<T>> = true;
}  // namespace detail

}  // namespace zspan
