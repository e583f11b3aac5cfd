// The instrumentation macros: what users write.
//
//   void handle(Request& r) {
//     TRACE_FUNCTION();                        // span named "handle"
//     TRACE_SCOPE("parse");                    // child of "handle", ends with the scope
//     TRACE_SCOPE_WITH(db_tracer, "query");    // same, recorded by another tracer
//     TRACE_SCOPE_DEBUG("tokenize");           // removed when ZSPAN_MAX_LEVEL < debug
//     TRACE_SCOPE_FOLLOWS_FROM("enqueue");     // the parent does not wait for it
//   }
//
// Each macro defines a static Callsite (name, function, file, line, level) and a
// ScopedSpan that points to it. The name must be a string literal or other constant.
// Every TRACE_* macro has a ZSPAN_* twin for code bases where TRACE_ is taken; define
// ZSPAN_NO_SHORT_MACROS to get only the ZSPAN_* spellings.
//
// With ZSPAN_DISABLED, or above ZSPAN_MAX_LEVEL, a macro expands to a statement that
// generates no code and evaluates none of its arguments; they are still compiled in a
// discarded branch, so code that builds with tracing off builds with it on.
#pragma once

#include "instrument/config.hpp"
#include "instrument/scoped_span.hpp"

#define ZSPAN_CONCAT_IMPL(a, b) a##b
#define ZSPAN_CONCAT(a, b) ZSPAN_CONCAT_IMPL(a, b)

namespace zspan::detail {
inline InheritTracer inherit_tracer;
template <class... Args>
constexpr void discard(const Args&...) noexcept {}
}  // namespace zspan::detail

// Compiles its arguments, emits nothing, evaluates nothing.
#define ZSPAN_DISCARD(...)                     \
  do {                                         \
    if constexpr (false) {                     \
      ::zspan::detail::discard(__VA_ARGS__);   \
    }                                          \
  } while (false)

#define ZSPAN_SCOPE_IMPL(id, level, tracer, reference, name)                                                       \
  static constexpr ::zspan::Callsite ZSPAN_CONCAT(zspan_callsite_, id){name, __func__, __FILE__, __LINE__, level}; \
  ::zspan::ScopedSpan ZSPAN_CONCAT(zspan_scope_, id) { tracer, ZSPAN_CONCAT(zspan_callsite_, id), reference }

#define ZSPAN_SCOPE_AT(level, tracer, reference, name) \
  ZSPAN_SCOPE_IMPL(__COUNTER__, level, tracer, reference, name)

#if ZSPAN_ENABLED
#define ZSPAN_INFO_SCOPE(tracer, reference, name) ZSPAN_SCOPE_AT(::zspan::Level::kInfo, tracer, reference, name)
#else
#define ZSPAN_INFO_SCOPE(tracer, reference, name) ZSPAN_DISCARD(tracer, name)
#endif

#if ZSPAN_ENABLED && ZSPAN_MAX_LEVEL >= ZSPAN_LEVEL_DEBUG
#define ZSPAN_DEBUG_SCOPE(tracer, name) ZSPAN_SCOPE_AT(::zspan::Level::kDebug, tracer, ::zspan::Reference::kChildOf, name)
#else
#define ZSPAN_DEBUG_SCOPE(tracer, name) ZSPAN_DISCARD(tracer, name)
#endif

#if ZSPAN_ENABLED && ZSPAN_MAX_LEVEL >= ZSPAN_LEVEL_VERBOSE
#define ZSPAN_VERBOSE_SCOPE(tracer, name) \
  ZSPAN_SCOPE_AT(::zspan::Level::kVerbose, tracer, ::zspan::Reference::kChildOf, name)
#else
#define ZSPAN_VERBOSE_SCOPE(tracer, name) ZSPAN_DISCARD(tracer, name)
#endif

#define ZSPAN_SCOPE(name) ZSPAN_INFO_SCOPE(::zspan::detail::inherit_tracer, ::zspan::Reference::kChildOf, name)
#define ZSPAN_SCOPE_WITH(tracer, name) ZSPAN_INFO_SCOPE(tracer, ::zspan::Reference::kChildOf, name)
#define ZSPAN_SCOPE_FOLLOWS_FROM(name) \
  ZSPAN_INFO_SCOPE(::zspan::detail::inherit_tracer, ::zspan::Reference::kFollowsFrom, name)
#define ZSPAN_FUNCTION() ZSPAN_SCOPE(__func__)
#define ZSPAN_SCOPE_DEBUG(name) ZSPAN_DEBUG_SCOPE(::zspan::detail::inherit_tracer, name)
#define ZSPAN_SCOPE_VERBOSE(name) ZSPAN_VERBOSE_SCOPE(::zspan::detail::inherit_tracer, name)

#ifndef ZSPAN_NO_SHORT_MACROS
#define TRACE_SCOPE(name) ZSPAN_SCOPE(name)
#define TRACE_SCOPE_WITH(tracer, name) ZSPAN_SCOPE_WITH(tracer, name)
#define TRACE_SCOPE_FOLLOWS_FROM(name) ZSPAN_SCOPE_FOLLOWS_FROM(name)
#define TRACE_FUNCTION() ZSPAN_FUNCTION()
#define TRACE_SCOPE_DEBUG(name) ZSPAN_SCOPE_DEBUG(name)
#define TRACE_SCOPE_VERBOSE(name) ZSPAN_SCOPE_VERBOSE(name)
#endif
