// What the integrations do when user code they run throws: the span ends failed, with the
// exception's message, and the exception goes on to the caller unchanged.
//
//   try {
//     return handler(request);
//   } catch (...) {
//     zspan::record_current_exception(span);
//     throw;
//   }
#pragma once

#include <exception>

namespace zspan {

// Call only inside a catch block. `span` is any span guard (ScopedSpan, Span, ...): its
// log_error marks it failed.
template <class SpanT>
void record_current_exception(SpanT& span) noexcept {
  try {
    throw;
  } catch (const std::exception& e) {
    span.log_error("{}", e.what());
  } catch (...) {
    span.log_error("{}", "exception of unknown type");
  }
}

}  // namespace zspan
