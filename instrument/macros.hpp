// The instrumentation macros: what users write.
//
//   void handle(Request& r) {
//     TRACE_FUNCTION();                        // span named "handle"
//     TRACE_SCOPE("parse");                    // child of "handle", ends with the scope
//     TRACE_SCOPE_WITH(db_tracer, "query");    // same, recorded by another tracer
//     TRACE_SCOPE_DEBUG("tokenize");           // removed when ZSPAN_MAX_LEVEL < debug
//     TRACE_SCOPE_FOLLOWS_FROM("enqueue");     // the parent does not wait for it
//
//     TRACE_SCOPE("get", tags::http_method = "GET", tags::http_url = r.url);  // tags inline
//     TRACE_TAG(tags::http_status_code, 200);  // tags the current span
//     TRACE_SCOPE_NAMED(method.name);          // a span named at run time; its tags as above
//     TRACE_RENAME(route);                     // renames the current span (span_name.hpp)
//     TRACE_LOG("{} bytes", n);                // a log with a checked format string
//     TRACE_ERROR("timeout after {} ms", ms);  // an error log; the span failed
//     TRACE_LOG_FIELDS(zspan::logs::event = "retry", zspan::logs::error_kind = "Timeout");
//     TRACE_BAGGAGE_SET("tenant", "acme");     // an expression: a zspan::BaggageResult
//   }
//
// Each scope macro defines a static Callsite (name, function, file, line, level) and a
// ScopedSpan that points to it. The name must be a string literal or other constant, but
// for TRACE_SCOPE_NAMED(_WITH), which copies a name known only at run time into the
// record (instrument/span_name.hpp).
// Being declarations, scope macros stand in a block: `if (c) TRACE_SCOPE("x");` does not
// compile (and would end the span at once); write `if (c) { TRACE_SCOPE("x"); ... }`.
// Tags given to a scope are evaluated only when its span records. Every TRACE_* macro
// has a ZSPAN_* twin for code bases where TRACE_ is taken; define ZSPAN_NO_SHORT_MACROS
// to get only the ZSPAN_* spellings. The scope macros and TRACE_TAG alone are in
// instrument/scope.hpp, which compiles neither fmt nor Boost.Hana; a StrictTracer's Schema
// is in instrument/schema.hpp.
//
// With ZSPAN_DISABLED, or above ZSPAN_MAX_LEVEL, a macro expands to a statement that
// generates no code and evaluates none of its arguments; they are still compiled, as an
// unevaluated operand (tag types, schemas and format strings still checked, in function
// templates too), so code that builds with tracing off builds with it on. (Clang then
// warns about a static function that only tracing arguments call,
// -Wunneeded-internal-declaration, and about a lambda capture that only they use,
// -Wunused-lambda-capture: capture with [&] or [=] there.)
#pragma once

#include "zspan/instrument/baggage.hpp"
#include "zspan/instrument/log.hpp"
#include "zspan/instrument/scope.hpp"

// A removed log: its format string is checked against its arguments' types, which are
// not evaluated.
#define ZSPAN_NO_LOG(format, ...)                                                                       \
  do {                                                                                                  \
    static_assert(                                                                                      \
        ::zspan::detail::log_format_compiles<decltype(::zspan::detail::argument_types(__VA_ARGS__))>(format)); \
  } while (false)

#if ZSPAN_ENABLED
#define ZSPAN_LOG(format, ...) ZSPAN_ON_CURRENT_SPAN(::zspan::log_message, format __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_ERROR(format, ...) ZSPAN_ON_CURRENT_SPAN(::zspan::log_error, format __VA_OPT__(, ) __VA_ARGS__)
#define ZSPAN_LOG_FIELDS(...) ZSPAN_ON_CURRENT_SPAN(::zspan::log_fields, __VA_ARGS__)
#define ZSPAN_BAGGAGE_SET(key, value) ::zspan::baggage_set(key, value)
#else
#define ZSPAN_LOG(format, ...) ZSPAN_NO_LOG(format, __VA_ARGS__)
#define ZSPAN_ERROR(format, ...) ZSPAN_NO_LOG(format, __VA_ARGS__)
#define ZSPAN_LOG_FIELDS(...) ZSPAN_DISCARD(__VA_ARGS__)
#define ZSPAN_BAGGAGE_SET(key, value) \
  (ZSPAN_DISCARD(::zspan::baggage_set(key, value)), ::zspan::BaggageResult::kNoSpan)
#endif

#ifndef ZSPAN_NO_SHORT_MACROS
#define TRACE_LOG(...) ZSPAN_LOG(__VA_ARGS__)
#define TRACE_ERROR(...) ZSPAN_ERROR(__VA_ARGS__)
#define TRACE_LOG_FIELDS(...) ZSPAN_LOG_FIELDS(__VA_ARGS__)
#define TRACE_BAGGAGE_SET(key, value) ZSPAN_BAGGAGE_SET(key, value)
#endif
