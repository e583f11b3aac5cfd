// Baggage in the current context: set on a span, read by it and every descendant. Keys
// are strings, or BaggageKeys with a value type (instrument/baggage_key.hpp).
//
//   TRACE_BAGGAGE_SET("tenant", "acme");          // or span.set_baggage("tenant", "acme")
//   TRACE_BAGGAGE_SET(retries, 3);                // a BaggageKey<"retries", std::int64_t>
//   ...
//   if (auto tenant = zspan::baggage_get("tenant")) route(*tenant);   // in any descendant
//   std::optional<std::int64_t> n = zspan::baggage_get(retries);       // nothing if not an integer
//
// A set gives the span a new Baggage (trace/baggage.hpp): spans already started under it
// keep what they started with. Reading a string allocates nothing; the view is valid
// while the span that holds the baggage stays current. Compiled out (ZSPAN_DISABLED),
// baggage_get finds nothing and baggage_set sets nothing (kNoSpan), TRACE_BAGGAGE_SET
// evaluating neither argument: none needs zspan's library.
#pragma once

#include <optional>
#include <string_view>

#include "zspan/instrument/baggage_key.hpp"
#include "zspan/instrument/config.hpp"
#include "zspan/trace/baggage.hpp"
#include "zspan/trace/context.hpp"

namespace zspan {

inline std::optional<std::string_view> baggage_get(std::string_view key) noexcept {
#if !ZSPAN_ENABLED
  static_cast<void>(key);
  return std::nullopt;  // compiled out: no span, so no baggage, and no zspan library to link
#else
  const detail::ContextNode* node = current_node();
  if (!node) return std::nullopt;
  const detail::ContextNode& holder = node->context_holder();
  const Baggage* baggage = holder.baggage();
  if (!baggage) return std::nullopt;
  return baggage->find(key);
#endif
}

template <FixedName Name, class T>
std::optional<T> baggage_get(const BaggageKey<Name, T>& key) noexcept {
#if !ZSPAN_ENABLED
  static_cast<void>(key);
  return std::nullopt;
#else
  const std::optional<std::string_view> text = baggage_get(Name.view());
  if (!text) return std::nullopt;
  std::optional<T> value = key.parse(*text);
  if (!value) detail::count_unparsable_baggage(Name.view());
  return value;
#endif
}

// Sets baggage on `node`, the context of a span (sampled or not: baggage travels anyway).
inline BaggageResult set_baggage(detail::ContextNode& node, std::string_view key, std::string_view value) noexcept {
  node.adopt_inherited_context();  // the new baggage is this span's, not its parent's
  return Baggage::set(node.baggage_to_change(), key, value);
}

template <FixedName Name, class T, class V>
BaggageResult set_baggage(detail::ContextNode& node, const BaggageKey<Name, T>& key, const V& value) noexcept {
  return set_baggage(node, Name.view(), key.text(value).view());
}

// Sets baggage on the current span.
inline BaggageResult baggage_set(std::string_view key, std::string_view value) noexcept {
#if !ZSPAN_ENABLED
  static_cast<void>(key);
  static_cast<void>(value);
  return BaggageResult::kNoSpan;
#else
  detail::ContextNode* node = detail::tls_state.current;
  // A remote or captured context is shared, not a span of this scope: its baggage is
  // read, never changed.
  if (!node || node->kind() == detail::ContextNode::Kind::kRemote || node->kind() == detail::ContextNode::Kind::kCaptured)
    return detail::count_baggage_refusal(BaggageResult::kNoSpan);
  return set_baggage(*node, key, value);
#endif
}

// The return type is deduced, so that a value of the wrong type is a compile error even
// where the call is not evaluated (TRACE_BAGGAGE_SET compiled out).
template <FixedName Name, class T, class V>
auto baggage_set(const BaggageKey<Name, T>& key, const V& value) noexcept {
  return baggage_set(Name.view(), key.text(value).view());
}

}  // namespace zspan
