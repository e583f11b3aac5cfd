// The members Span and ScopedSpan share, in their compiled-out form (ZSPAN_DISABLED):
// each does nothing and needs no zspan library, and each still checks what it is given
// (a tag's value against its key's type, a log's format string against its arguments),
// so that code that builds with tracing off builds with it on.
//
//   zspan::Span span = zspan::Span::start(tracer, kCallsite);   // never valid
//   span.tag(tags::http_status_code, 200);                      // nothing recorded
//   span.log("retry {}", attempt);                              // nothing formatted
//
// instrument/span.hpp and instrument/scoped_span.hpp list their compiled-out forms, built
// on this, before the real ones. As with the real members, a log member needs
// instrument/log.hpp where it is called (its format is checked there).
#pragma once

#include <string_view>

#include "zspan/instrument/baggage.hpp"
#include "zspan/instrument/log_declarations.hpp"
#include "zspan/trace/baggage.hpp"
#include "zspan/trace/span_context.hpp"
#include "zspan/trace/internal/span_record.hpp"

namespace zspan::detail {

class CompiledOutSpan {
 public:
  SpanContext context() const noexcept { return {}; }
  void set_error() noexcept {}
  void add_reference(Reference, const SpanContext&) noexcept {}
  template <class Key, class V>
  void tag(const Key& key, const V& value) noexcept {
    static_cast<void>(sizeof(key = value));  // checked, not evaluated
  }
  template <class... Args>
  void log(LogFormat<Args...>, Args&&...) noexcept {}
  template <class... Args>
  void log_error(LogFormat<Args...>, Args&&...) noexcept {}
  template <class... Key, class... Stored>
  void log_fields(const Tagged<Key, Stored>&...) noexcept {}
  template <class Key, class V>  // a string key, or a BaggageKey whose value type is checked
  BaggageResult set_baggage(const Key& key, const V& value) noexcept {
    static_cast<void>(sizeof(baggage_set(key, value)));
    return BaggageResult::kNoSpan;
  }
  void rename(std::string_view) noexcept {}
};

}  // namespace zspan::detail
