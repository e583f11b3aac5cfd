// ScopedSpan: the guard behind TRACE_SCOPE. A span that starts as a child of the
// current span, is current while the guard lives, and ends with it. Not movable: the
// context chain points into it (see Span for work that crosses scopes).
//
//   {
//     zspan::ScopedSpan span{tracer, kCallsite};   // what TRACE_SCOPE_WITH writes
//     ...                                          // span is current here
//   }                                              // ended, previous span current again
//
//   span.tag(zspan::tags::http_status_code, 200);   // tags, logs, baggage: see
//   span.log("retry {}", attempt);                  // instrument/tag_writer.hpp, log.hpp
//   span.set_baggage("tenant", "acme");             // and baggage.hpp
//
// The log members need instrument/log.hpp where they are called (instrument/zspan.hpp
// includes it); this header does not, so that TRACE_SCOPE compiles no fmt.
//
// BasicScopedSpan<N> reserves N bytes for fields instead of ZSPAN_SPAN_FIELD_BYTES: for the
// integrations' spans, whose attributes (a URL, a user agent, an SQL statement) need more.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

#include "instrument/baggage.hpp"
#include "instrument/config.hpp"
#include "instrument/log_declarations.hpp"
#include "instrument/tag_writer.hpp"
#include "trace/recording.hpp"

namespace zspan {

template <unsigned FieldBytes>
class BasicScopedSpan {
  static_assert(FieldBytes % 16 == 0, "fields are 16-byte entries");

 public:
  // Always inlined: a call each for the start and the end would be a third of the span.
  template <class T>
  [[gnu::always_inline]] BasicScopedSpan(T& tracer, const Callsite& callsite,
                                         Reference reference = Reference::kChildOf) noexcept {
    static_assert(offsetof(BasicScopedSpan, fields_) == sizeof(ContextNode), "fields continue the record");
    start_span(node_, callsite, tracer, FieldBytes, reference);
  }
  [[gnu::always_inline]] ~BasicScopedSpan() { end_span<FieldBytes>(node_); }

  BasicScopedSpan(const BasicScopedSpan&) = delete;
  BasicScopedSpan& operator=(const BasicScopedSpan&) = delete;

  SpanContext context() const noexcept { return node_.context(); }
  bool recording() const noexcept { return node_.recording(); }
  void set_error() noexcept {
    if (node_.recording()) node_.record.flags |= SpanRecord::kError;
  }
  void add_reference(Reference reference, const SpanContext& other) noexcept {
    zspan::add_reference(node_, reference, other);
  }
  template <class Key, class V>
  void tag(const Key& key, const V& value) noexcept {
    set_tag(node_, key = value);
  }
  template <class... Args>
  void log(LogFormat<Args...> format, Args&&... args) noexcept {
    log_message(node_, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void log_error(LogFormat<Args...> format, Args&&... args) noexcept {
    zspan::log_error(node_, format, std::forward<Args>(args)...);
  }
  template <class... Key, class... Stored>
  void log_fields(const Tagged<Key, Stored>&... fields) noexcept {
    zspan::log_fields(node_, fields...);
  }
  BaggageResult set_baggage(std::string_view key, std::string_view value) noexcept {
    return zspan::set_baggage(node_, key, value);
  }
  ContextNode& node() noexcept { return node_; }

 private:
  ContextNode node_{ContextNode::Unfilled{}};
  [[maybe_unused]] std::byte fields_[FieldBytes];  // the record's entries continue here
};

using ScopedSpan = BasicScopedSpan<kSpanFieldBytes>;

}  // namespace zspan
