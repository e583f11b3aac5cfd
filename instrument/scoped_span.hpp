// ScopedSpan: the guard behind TRACE_SCOPE. A span that starts as a child of the
// current span, is current while the guard lives, and ends with it. Not movable: the
// context chain points into it (see Span for work that crosses scopes).
//
//   {
//     zspan::ScopedSpan span{tracer, kCallsite};   // what TRACE_SCOPE_WITH writes
//     ...                                          // span is current here
//   }                                              // ended, previous span current again
//
//   span.tag(zspan::tags::http_status_code, 200);   // tags, logs, baggage, renaming:
//   span.log("retry {}", attempt);                  // instrument/span_operations.hpp
//   span.rename(route);
//
// BasicScopedSpan<N> reserves N bytes for fields instead of ZSPAN_SPAN_FIELD_BYTES: for the
// integrations' spans, whose attributes (a URL, a user agent, an SQL statement) need more.
// Its second argument is how many of them its start fills (TRACE_SCOPE's inline tags, an
// entry each; the macros compute it): the end copies the header and those, a size known
// at compile time, unless the record grew past them (ContextNode::fields_grew).
//
// Compiled out (ZSPAN_DISABLED), a guard starts nothing and its members do nothing.
#pragma once

#include <cstddef>

#include "zspan/instrument/compiled_out_span.hpp"
#include "zspan/instrument/config.hpp"
#include "zspan/instrument/span_operations.hpp"
#include "zspan/trace/internal/recording.hpp"

namespace zspan {

#if !ZSPAN_ENABLED
template <unsigned FieldBytes, unsigned FilledBytes = 0>
class BasicScopedSpan : public detail::CompiledOutSpan {
 public:
  template <class T>
  BasicScopedSpan(T&, const Callsite&, Reference = Reference::kChildOf) noexcept {}
  BasicScopedSpan(const BasicScopedSpan&) = delete;
  BasicScopedSpan& operator=(const BasicScopedSpan&) = delete;

  bool recording() const noexcept { return false; }
};
#else
template <unsigned FieldBytes, unsigned FilledBytes = 0>
class BasicScopedSpan : public SpanOperations<BasicScopedSpan<FieldBytes, FilledBytes>> {
  static_assert(FieldBytes % 16 == 0 && FilledBytes % 16 == 0, "fields are 16-byte entries");

 public:
  // Always inlined: a call each for the start and the end would be a third of the span.
  template <class T>
  [[gnu::always_inline]] BasicScopedSpan(T& tracer, const Callsite& callsite,
                                         Reference reference = Reference::kChildOf) noexcept
      : node_(detail::ContextNode::Unfilled{}) {
    static_assert(sizeof(BasicScopedSpan) == sizeof(detail::ContextNode) + FieldBytes, "fields continue the record");
    detail::start_span(node_, callsite, tracer, FieldBytes, reference);
  }
  [[gnu::always_inline]] ~BasicScopedSpan() { detail::end_span<FilledBytes>(node_); }

  BasicScopedSpan(const BasicScopedSpan&) = delete;
  BasicScopedSpan& operator=(const BasicScopedSpan&) = delete;

  bool recording() const noexcept { return node_.recording(); }
  detail::ContextNode& node() noexcept { return node_; }

 private:
  friend class SpanOperations<BasicScopedSpan>;
  detail::ContextNode* span_node() noexcept { return &node_; }
  const detail::ContextNode* span_node() const noexcept { return &node_; }

  union {
    detail::ContextNode node_;  // ended by end_span, in place of its destructor
  };
  [[maybe_unused]] std::byte fields_[FieldBytes];  // the record's entries continue here
};
#endif

using ScopedSpan = BasicScopedSpan<kSpanFieldBytes>;

}  // namespace zspan
