// BaggageKey: a baggage key declared once with the type of its values. A set writes the
// value's text form, a read parses it back: the typed value, or nothing.
//
//   inline constexpr zspan::BaggageKey<"tenant", std::string_view> tenant;   // declared once
//   inline constexpr zspan::BaggageKey<"retries", std::int64_t> retries;
//   inline constexpr zspan::BaggageKey<"canary", bool> canary;
//
//   TRACE_BAGGAGE_SET(retries, 3);                    // or span.set_baggage(retries, 3)
//   std::optional<std::int64_t> n = zspan::baggage_get(retries);   // in any descendant
//   TRACE_BAGGAGE_SET(retries, "3");                  // compile error: the key wants an integer
//   zspan::BaggageKey<"tenant id", std::string_view>  // compile error: a space in the key
//
// Keys are W3C Baggage keys: RFC 7230 tokens, one or more of the letters, digits and
// !#$%&'*+-.^_`|~. Another spelling is a compile error saying the key is empty or naming
// the first character not allowed (baggage_key_character_not_allowed<key, character>).
//
// A value type is one of the three below. A set takes what a TagKey of that type takes
// (instrument/tag_key.hpp: a std::string or const char* for a string, an int for an
// integer); a value of another type is a compile error naming the key, the declared and
// the given type (wrong_baggage_value_type). The text form of each:
//
//   std::string_view  the string as given, any bytes. A read views the baggage: valid
//                     while the span that holds it stays current.
//   std::int64_t      decimal: an optional '-', then digits ("-42"). A read takes exactly
//                     that, leading zeros too ("007" is 7), within the type's range; a
//                     '+', a space, hex, a fraction, an empty value read as nothing.
//   bool              "true" or "false". A read ignores ASCII case ("True", "FALSE", as
//                     peers in other languages write them); "1", "yes", "" read as nothing.
//
// The text form is the entry's value as the Baggage holds it; percent-encoding is the
// propagators' (trace/propagation): W3C Baggage encodes every byte that is not a
// baggage-octet, and '%', on inject and decodes on extract, Jaeger's uberctx-* headers
// the same for bytes that are not token characters. So a string of any bytes arrives
// as it was set, and integers and booleans travel as they are written.
//
// A value that does not parse as its key's type (a peer's, or one set as a string under
// the same key) reads as nothing, and the read is counted (baggage_stats().unparsable_reads)
// and reported on stderr, at most once every 10 s (trace/diagnostics.hpp). The string API
// of instrument/baggage.hpp stays for keys known only at run time, such as those a peer
// sends. Compiled out (ZSPAN_DISABLED), keys and values are still checked; a read finds
// nothing and a set sets nothing.
#pragma once

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "zspan/instrument/tag_key.hpp"
#include "zspan/trace/internal/text.hpp"

namespace zspan {

// The compile errors of an invalid key or value. GCC and Clang print what is wrong as
// the template arguments of the struct they instantiate.
template <FixedName Key, char Character>
struct baggage_key_character_not_allowed {
  static_assert(detail::always_false<decltype(Key)>,
                "zspan: a baggage key is a W3C token: letters, digits and !#$%&'*+-.^_`|~ only; see the key and the "
                "first character not allowed in 'baggage_key_character_not_allowed<key, character>'");
};

template <FixedName Key, class Expected, class Given>
struct wrong_baggage_value_type {
  static_assert(detail::always_false<Given>,
                "zspan: this baggage key does not accept a value of this type; see the key name, the value type it "
                "was declared with and the type given in 'wrong_baggage_value_type<key, expected, given>'");
};

namespace detail {

constexpr std::size_t first_non_token_char(std::string_view key) noexcept {
  std::size_t i = 0;
  while (i < key.size() && is_token_char(key[i])) ++i;
  return i;
}

// Compiles only for a valid key: the static_asserts in it (and in the struct it
// instantiates) name the problem.
template <FixedName Key>
constexpr bool checked_baggage_key() noexcept {
  constexpr std::string_view key = Key.view();
  static_assert(!key.empty(), "zspan: a baggage key must not be empty (a W3C token: one character or more)");
  constexpr std::size_t first_invalid = first_non_token_char(key);
  if constexpr (first_invalid != key.size())
    static_cast<void>(sizeof(baggage_key_character_not_allowed<Key, Key.chars[first_invalid]>));
  return true;
}

// The text form of baggage values of type T: BaggageText<T>(value).view() writes it,
// BaggageText<T>::parse reads it (nothing if the text is not of that form).
template <class T>
class BaggageText;

template <>
class BaggageText<std::string_view> {
 public:
  explicit constexpr BaggageText(std::string_view value) noexcept : value_(value) {}
  constexpr std::string_view view() const noexcept { return value_; }
  static constexpr std::optional<std::string_view> parse(std::string_view text) noexcept { return text; }

 private:
  std::string_view value_;
};

template <>
class BaggageText<std::int64_t> {
 public:
  explicit BaggageText(std::int64_t value) noexcept
      : size_(static_cast<std::size_t>(std::to_chars(chars_, chars_ + sizeof(chars_), value).ptr - chars_)) {}
  std::string_view view() const noexcept { return {chars_, size_}; }
  static std::optional<std::int64_t> parse(std::string_view text) noexcept {
    const char* const end = text.data() + text.size();
    std::int64_t value = 0;
    const std::from_chars_result read = std::from_chars(text.data(), end, value);  // no '+', no space
    if (read.ec != std::errc() || read.ptr != end) return std::nullopt;
    return value;
  }

 private:
  char chars_[std::numeric_limits<std::int64_t>::digits10 + 2];  // a sign and 19 digits
  std::size_t size_;
};

template <>
class BaggageText<bool> {
 public:
  explicit constexpr BaggageText(bool value) noexcept : value_(value) {}
  constexpr std::string_view view() const noexcept { return value_ ? "true" : "false"; }
  static constexpr std::optional<bool> parse(std::string_view text) noexcept {
    if (equals_ignoring_case(text, "true")) return true;
    if (equals_ignoring_case(text, "false")) return false;
    return std::nullopt;
  }

 private:
  bool value_;
};

template <class T>
concept BaggageValueType = std::same_as<T, std::string_view> || std::same_as<T, std::int64_t> || std::same_as<T, bool>;

}  // namespace detail

template <FixedName Name, class T>
struct BaggageKey {
  static_assert(detail::BaggageValueType<T>, "zspan: a baggage key's value type is std::string_view, std::int64_t or bool");
  static_assert(detail::checked_baggage_key<Name>());

  using value_type = T;
  static constexpr FixedName name = Name;

  // The text form of `value`, or the compile error of a value of the wrong type.
  template <class V>
  static auto text(const V& value) noexcept {
    if constexpr (detail::tag_accepts<T, V>)
      return detail::BaggageText<T>(detail::stored_value<T>(value));
    else
      return wrong_baggage_value_type<Name, T, std::remove_cvref_t<V>>{};
  }
  static std::optional<T> parse(std::string_view text) noexcept { return detail::BaggageText<T>::parse(text); }
};

}  // namespace zspan
