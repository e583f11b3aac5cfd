// Baggage in the current context: set on a span, read by it and every descendant.
//
//   TRACE_BAGGAGE_SET("tenant", "acme");          // or span.set_baggage("tenant", "acme")
//   ...
//   if (auto tenant = zspan::baggage_get("tenant")) route(*tenant);   // in any descendant
//
// A set gives the span a new Baggage (trace/baggage.hpp): spans already started under it
// keep what they started with. Reading allocates nothing; the view is valid while the
// span that holds the baggage stays current. Compiled out (ZSPAN_DISABLED), baggage_get
// finds nothing and TRACE_BAGGAGE_SET sets nothing: neither needs zspan's library.
#pragma once

#include <optional>
#include <string_view>

#include "instrument/config.hpp"
#include "trace/baggage.hpp"
#include "trace/context.hpp"

namespace zspan {

inline std::optional<std::string_view> baggage_get(std::string_view key) noexcept {
#if !ZSPAN_ENABLED
  static_cast<void>(key);
  return std::nullopt;  // compiled out: no span, so no baggage, and no zspan library to link
#else
  const ContextNode* node = current_node();
  if (!node) return std::nullopt;
  const ContextNode& holder = node->context_holder();
  if (!holder.baggage) return std::nullopt;
  return holder.baggage->find(key);
#endif
}

// Sets baggage on `node`, the context of a span (sampled or not: baggage travels anyway).
inline BaggageResult set_baggage(ContextNode& node, std::string_view key, std::string_view value) noexcept {
  node.adopt_inherited_context();  // the new baggage is this span's, not its parent's
  return Baggage::set(node.baggage, key, value);
}

// Sets baggage on the current span.
inline BaggageResult baggage_set(std::string_view key, std::string_view value) noexcept {
  ContextNode* node = detail::tls_current;
  // A remote or captured context is shared, not a span of this scope: its baggage is
  // read, never changed.
  if (!node || node->kind == ContextNode::Kind::kRemote || node->kind == ContextNode::Kind::kCaptured)
    return detail::count_baggage_refusal(BaggageResult::kNoSpan);
  return set_baggage(*node, key, value);
}

}  // namespace zspan
