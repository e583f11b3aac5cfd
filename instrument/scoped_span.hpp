// ScopedSpan: the guard behind TRACE_SCOPE. A span that starts as a child of the
// current span, is current while the guard lives, and ends with it. Not movable: the
// context chain points into it (see Span for work that crosses scopes).
//
//   {
//     zspan::ScopedSpan span{tracer, kCallsite};   // what TRACE_SCOPE_WITH writes
//     ...                                          // span is current here
//   }                                              // ended, previous span current again
#pragma once

#include <cstddef>

#include "instrument/config.hpp"
#include "trace/recording.hpp"

namespace zspan {

class ScopedSpan {
 public:
  template <class T>
  ScopedSpan(T& tracer, const Callsite& callsite, Reference reference = Reference::kChildOf) noexcept {
    static_assert(offsetof(ScopedSpan, fields_) == sizeof(ContextNode), "fields continue the record");
    start_span(node_, callsite, tracer, kSpanFieldBytes, reference);
  }
  ~ScopedSpan() { end_span(node_); }

  ScopedSpan(const ScopedSpan&) = delete;
  ScopedSpan& operator=(const ScopedSpan&) = delete;

  SpanContext context() const noexcept { return node_.context(); }
  bool recording() const noexcept { return node_.recording(); }
  void set_error() noexcept {
    if (node_.recording()) node_.record.flags |= SpanRecord::kError;
  }
  void add_reference(Reference reference, const SpanContext& other) noexcept {
    zspan::add_reference(node_, reference, other);
  }
  ContextNode& node() noexcept { return node_; }

 private:
  ContextNode node_;
  std::byte fields_[kSpanFieldBytes];  // the record's entries continue here
};

}  // namespace zspan
