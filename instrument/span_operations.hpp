// SpanOperations: what every span handle offers, ScopedSpan (TRACE_SCOPE's guard) and
// Span (the movable one) alike.
//
//   span.tag(tags::http_status_code, 200);       // instrument/internal/tag_writer.hpp
//   span.log("retry {}", attempt);               // instrument/log.hpp
//   span.log_error("timeout after {} ms", ms);   // an error event; the span failed
//   span.log_fields(logs::event = "retry");
//   span.set_error();
//   span.add_reference(Reference::kFollowsFrom, batch.context());
//   span.set_baggage("tenant", "acme");          // instrument/baggage.hpp
//   span.rename(route);                          // instrument/span_name.hpp
//   SpanContext ids = span.context();
//
// A handle without a span (a default or ended Span) does nothing: set_baggage says
// kNoSpan, context() is empty. The log members need instrument/log.hpp where they are
// called (instrument/zspan.hpp includes it); this header does not, so that TRACE_SCOPE
// compiles no fmt.
//
// A handle derives from SpanOperations<itself> and gives it `span_node()`: the node its
// span writes to, or nullptr.
#pragma once

#include <string_view>
#include <utility>

#include "zspan/instrument/baggage.hpp"
#include "zspan/instrument/log_declarations.hpp"
#include "zspan/instrument/span_name.hpp"
#include "zspan/instrument/internal/tag_writer.hpp"
#include "zspan/trace/internal/recording.hpp"

namespace zspan {

template <class Handle>
class SpanOperations {
 public:
  SpanContext context() const noexcept {
    const detail::ContextNode* n = static_cast<const Handle&>(*this).span_node();
    return n ? n->context() : SpanContext{};
  }
  void set_error() noexcept {
    if (detail::ContextNode* n = node()) detail::mark_error(*n, true);
  }
  void add_reference(Reference reference, const SpanContext& other) noexcept {
    if (detail::ContextNode* n = node()) zspan::detail::add_reference(*n, reference, other);
  }
  template <class Key, class V>
  void tag(const Key& key, const V& value) noexcept {
    if (detail::ContextNode* n = node()) detail::set_tag(*n, key = value);
  }
  template <class... Args>
  void log(LogFormat<Args...> format, Args&&... args) noexcept {
    if (detail::ContextNode* n = node()) log_message(*n, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void log_error(LogFormat<Args...> format, Args&&... args) noexcept {
    if (detail::ContextNode* n = node()) zspan::log_error(*n, format, std::forward<Args>(args)...);
  }
  template <class... Key, class... Stored>
  void log_fields(const Tagged<Key, Stored>&... fields) noexcept {
    if (detail::ContextNode* n = node()) zspan::log_fields(*n, fields...);
  }
  // Children started after the call (and scopes made current after it) see the entry.
  template <class Key, class V>  // a string key, or a BaggageKey (instrument/baggage_key.hpp)
  BaggageResult set_baggage(const Key& key, const V& value) noexcept {
    detail::ContextNode* n = node();
    return n ? zspan::set_baggage(*n, key, value) : detail::count_baggage_refusal(BaggageResult::kNoSpan);
  }
  void rename(std::string_view name) noexcept {
    if (detail::ContextNode* n = node()) rename_span(*n, name);
  }

 private:
  detail::ContextNode* node() noexcept { return static_cast<Handle&>(*this).span_node(); }
};

}  // namespace zspan
