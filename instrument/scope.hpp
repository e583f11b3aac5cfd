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
//     TRACE_SCOPE_NAMED(method.name);          // named at run time (instrument/span_name.hpp)
//     TRACE_RENAME(route);                     // renames the current span
//   }
#pragma once

#include "zspan/instrument/config.hpp"
#include "zspan/instrument/scoped_span.hpp"
#include "zspan/instrument/internal/tag_writer.hpp"
#include "zspan/instrument/tags.hpp"

#define ZSPAN_CONCAT_IMPL(a, b) a##b
#define ZSPAN_CONCAT(a, b) ZSPAN_CONCAT_IMPL(a, b)

namespace zspan::detail {
inline InheritTracer inherit_tracer;
template <class... Args>
constexpr bool compiles(const Args&...) noexcept {
  return true;
}
}  // namespace zspan::detail

// The static Callsite `var` of a macro's span: `name`, where the macro stands.
#define ZSPAN_CALLSITE(var, name, level) \
  static constexpr ::zspan::Callsite var { name, __func__, __FILE__, __LINE__, level }

// Compiles its arguments as an unevaluated operand: their types are checked (in a
// template, where it is instantiated), nothing is evaluated, odr-used or emitted.
#define ZSPAN_DISCARD(...) static_cast<void>(sizeof(::zspan::detail::compiles(__VA_ARGS__)))

#define ZSPAN_SCOPE_IMPL(id, level, tracer, reference, name, ...)                                            \
  ZSPAN_CALLSITE(ZSPAN_CONCAT(zspan_callsite_, id), name, level);                                            \
  ::zspan::BasicScopedSpan<::zspan::kSpanFieldBytes,                                                       \
                           decltype(::zspan::detail::filled_bytes(__VA_ARGS__))::value>                     \
  ZSPAN_CONCAT(zspan_scope_, id) { tracer, ZSPAN_CONCAT(zspan_callsite_, id), reference }                    \
  __VA_OPT__(; if (ZSPAN_CONCAT(zspan_scope_, id).recording())                                               \
             ::zspan::detail::set_scope_tags<decltype(tracer)>(ZSPAN_CONCAT(zspan_scope_, id).node(), __VA_ARGS__))

// A scope named at run time: its callsite, which samplers see, has the function's name.
// The name is copied after the tags, which a fresh span writes first.
#define ZSPAN_NAMED_SCOPE_IMPL(id, tracer, name, ...)                                                        \
  ZSPAN_SCOPE_IMPL(id, ::zspan::Level::kInfo, tracer, ::zspan::Reference::kChildOf,                         \
                   __func__ __VA_OPT__(, ) __VA_ARGS__);                                                     \
  if (ZSPAN_CONCAT(zspan_scope_, id).recording()) ZSPAN_CONCAT(zspan_scope_, id).rename(name)

#define ZSPAN_SCOPE_AT(level, tracer, reference, name, ...) \
  ZSPAN_SCOPE_IMPL(__COUNTER__, level, tracer, reference, name __VA_OPT__(, ) __VA_ARGS__)

// A removed scope: its tags are still checked against the tracer's schema.
#define ZSPAN_NO_SCOPE(tracer, name, ...) \
  ZSPAN_DISCARD(tracer, name __VA_OPT__(, ::zspan::detail::check_scope_tags<decltype(tracer)>(__VA_ARGS__)))

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
#define ZSPAN_ON_CURRENT_SPAN(call, ...)                                                        \
  do {                                                                                          \
    if (::zspan::detail::ContextNode* zspan_current_node = ::zspan::detail::tls_state.current; \
        zspan_current_node && zspan_current_node->fields_owner())                              \
      call(*zspan_current_node, __VA_ARGS__);                                                   \
  } while (false)

#if ZSPAN_ENABLED
#define ZSPAN_TAG(key, value) ZSPAN_ON_CURRENT_SPAN(::zspan::detail::set_tag, (key) = (value))
#define ZSPAN_SCOPE_NAMED_WITH(tracer, name, ...) \
  ZSPAN_NAMED_SCOPE_IMPL(__COUNTER__, tracer, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_RENAME(name) ZSPAN_ON_CURRENT_SPAN(::zspan::rename_span, name)
#else
#define ZSPAN_TAG(key, value) ZSPAN_DISCARD((key) = (value))
#define ZSPAN_SCOPE_NAMED_WITH(tracer, name, ...) \
  ZSPAN_NO_SCOPE(tracer, ::zspan::detail::span_name_argument(name) __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_RENAME(name) ZSPAN_DISCARD(::zspan::detail::span_name_argument(name))
#endif

#define ZSPAN_SCOPE(name, ...) \
  ZSPAN_INFO_SCOPE(::zspan::detail::inherit_tracer, ::zspan::Reference::kChildOf, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_SCOPE_WITH(tracer, name, ...) \
  ZSPAN_INFO_SCOPE(tracer, ::zspan::Reference::kChildOf, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_SCOPE_FOLLOWS_FROM(name, ...) \
  ZSPAN_INFO_SCOPE(::zspan::detail::inherit_tracer, ::zspan::Reference::kFollowsFrom, name __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_FUNCTION() ZSPAN_SCOPE(__func__)
#define ZSPAN_SCOPE_NAMED(name, ...) \
  ZSPAN_SCOPE_NAMED_WITH(::zspan::detail::inherit_tracer, name __VA_OPT__(, ) __VA_ARGS__)
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
#define TRACE_SCOPE_NAMED(...) ZSPAN_SCOPE_NAMED(__VA_ARGS__)
#define TRACE_SCOPE_NAMED_WITH(...) ZSPAN_SCOPE_NAMED_WITH(__VA_ARGS__)
#define TRACE_RENAME(name) ZSPAN_RENAME(name)
#endif
