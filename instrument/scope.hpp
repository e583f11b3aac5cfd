// The scope macros alone, and TRACE_TAG: what a translation unit that opens spans needs,
// without fmt or Boost.Hana (instrument/macros.hpp has the log and baggage macros too; see
// its banner for the rules).
//
//   void handle(Request& r) {
//     TRACE_FUNCTION();                        // span named "handle"
//     TRACE_SCOPE("parse");                    // child of "handle", ends with the scope
//     TRACE_SCOPE_WITH(db_tracer, "query");    // same, recorded by another tracer
//     TRACE_SCOPE_DEBUG("tokenize");           // removed when ZSPAN_MAX_LEVEL < debug
//     TRACE_SCOPE_FOLLOWS_FROM("enqueue");     // the parent does not wait for it
//     TRACE_SCOPE("get", tags::http_method = "GET", tags::http_url = r.url);  // tags inline
//     TRACE_TAG(tags::http_status_code, 200);  // tags the current span
//   }
#pragma once

#include "instrument/config.hpp"
#include "instrument/scoped_span.hpp"
#include "instrument/tag_writer.hpp"
#include "instrument/tags.hpp"

#define ZSPAN_CONCAT_IMPL(a, b) a##b
#define ZSPAN_CONCAT(a, b) ZSPAN_CONCAT_IMPL(a, b)

namespace zspan::detail {
inline InheritTracer inherit_tracer;
template <class... Args>
constexpr bool compiles(const Args&...) noexcept {
  return true;
}
}  // namespace zspan::detail

// Compiles its arguments as an unevaluated operand: their types are checked (in a
// template, where it is instantiated), nothing is evaluated, odr-used or emitted.
#define ZSPAN_DISCARD(...) static_cast<void>(sizeof(::zspan::detail::compiles(__VA_ARGS__)))

#define ZSPAN_SCOPE_IMPL(id, level, tracer, reference, name, ...)                                                  \
  static constexpr ::zspan::Callsite ZSPAN_CONCAT(zspan_callsite_, id){name, __func__, __FILE__, __LINE__, level}; \
  ::zspan::ScopedSpan ZSPAN_CONCAT(zspan_scope_, id) { tracer, ZSPAN_CONCAT(zspan_callsite_, id), reference }       \
  __VA_OPT__(; if (ZSPAN_CONCAT(zspan_scope_, id).recording())                                                     \
             ::zspan::set_scope_tags<decltype(tracer)>(ZSPAN_CONCAT(zspan_scope_, id).node(), __VA_ARGS__))

#define ZSPAN_SCOPE_AT(level, tracer, reference, name, ...) \
  ZSPAN_SCOPE_IMPL(__COUNTER__, level, tracer, reference, name __VA_OPT__(, ) __VA_ARGS__)

// A removed scope: its tags are still checked against the tracer's schema.
#define ZSPAN_NO_SCOPE(tracer, name, ...) \
  ZSPAN_DISCARD(tracer, name __VA_OPT__(, ::zspan::check_scope_tags<decltype(tracer)>(__VA_ARGS__)))

#if ZSPAN_ENABLED
#define ZSPAN_INFO_SCOPE(tracer, reference, name, ...) \
  ZSPAN_SCOPE_AT(::zspan::Level::kInfo, tracer, reference, name __VA_OPT__(, ) __VA_ARGS__)
#else
#define ZSPAN_INFO_SCOPE(tracer, reference, name, ...) ZSPAN_NO_SCOPE(tracer, name __VA_OPT__(, ) __VA_ARGS__)
#endif

#if ZSPAN_ENABLED && ZSPAN_MAX_LEVEL >= ZSPAN_LEVEL_DEBUG
#define ZSPAN_DEBUG_SCOPE(tracer, name, ...) \
  ZSPAN_SCOPE_AT(::zspan::Level::kDebug, tracer, ::zspan::Reference::kChildOf, name __VA_OPT__(, ) __VA_ARGS__)
#else
#define ZSPAN_DEBUG_SCOPE(tracer, name, ...) ZSPAN_NO_SCOPE(tracer, name __VA_OPT__(, ) __VA_ARGS__)
#endif

#if ZSPAN_ENABLED && ZSPAN_MAX_LEVEL >= ZSPAN_LEVEL_VERBOSE
#define ZSPAN_VERBOSE_SCOPE(tracer, name, ...) \
  ZSPAN_SCOPE_AT(::zspan::Level::kVerbose, tracer, ::zspan::Reference::kChildOf, name __VA_OPT__(, ) __VA_ARGS__)
#else
#define ZSPAN_VERBOSE_SCOPE(tracer, name, ...) ZSPAN_NO_SCOPE(tracer, name __VA_OPT__(, ) __VA_ARGS__)
#endif

// Runs `call(current node, args...)` when the current span records; its arguments are
// not evaluated otherwise.
#define ZSPAN_ON_CURRENT_SPAN(call, ...)                                            \
  do {                                                                              \
    if (::zspan::ContextNode* zspan_current_node = ::zspan::detail::tls_current;    \
        zspan_current_node && zspan_current_node->owner)                            \
      call(*zspan_current_node, __VA_ARGS__);                                       \
  } while (false)

#if ZSPAN_ENABLED
#define ZSPAN_TAG(key, value) ZSPAN_ON_CURRENT_SPAN(::zspan::set_tag, (key) = (value))
#else
#define ZSPAN_TAG(key, value) ZSPAN_DISCARD((key) = (value))
#endif

#define ZSPAN_SCOPE(name, ...) \
  ZSPAN_INFO_SCOPE(::zspan::detail::inherit_tracer, ::zspan::Reference::kChildOf, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_SCOPE_WITH(tracer, name, ...) \
  ZSPAN_INFO_SCOPE(tracer, ::zspan::Reference::kChildOf, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_SCOPE_FOLLOWS_FROM(name, ...) \
  ZSPAN_INFO_SCOPE(::zspan::detail::inherit_tracer, ::zspan::Reference::kFollowsFrom, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_FUNCTION() ZSPAN_SCOPE(__func__)
#define ZSPAN_SCOPE_DEBUG(name, ...) \
  ZSPAN_DEBUG_SCOPE(::zspan::detail::inherit_tracer, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_SCOPE_VERBOSE(name, ...) \
  ZSPAN_VERBOSE_SCOPE(::zspan::detail::inherit_tracer, name __VA_OPT__(, ) __VA_ARGS__)

#ifndef ZSPAN_NO_SHORT_MACROS
#define TRACE_SCOPE(...) ZSPAN_SCOPE(__VA_ARGS__)
#define TRACE_SCOPE_WITH(...) ZSPAN_SCOPE_WITH(__VA_ARGS__)
#define TRACE_SCOPE_FOLLOWS_FROM(...) ZSPAN_SCOPE_FOLLOWS_FROM(__VA_ARGS__)
#define TRACE_FUNCTION() ZSPAN_FUNCTION()
#define TRACE_SCOPE_DEBUG(...) ZSPAN_SCOPE_DEBUG(__VA_ARGS__)
#define TRACE_SCOPE_VERBOSE(...) ZSPAN_SCOPE_VERBOSE(__VA_ARGS__)
#define TRACE_TAG(key, value) ZSPAN_TAG(key, value)
#endif
