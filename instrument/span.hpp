// Span: a movable handle to a span, for work that does not fit one scope: start it in
// one function, finish it in a callback, hand it to another thread.
//
//   zspan::Span span = zspan::Span::start(tracer, kCallsite);   // child of the current span
//   {
//     zspan::ActiveScope scope = span.make_current();           // current in this scope
//     ...                                                       // children parent to it
//   }
//   co_return std::move(span);   // or pool.post([s = std::move(span)] {...})
//   span.end();                  // or let the last handle go
//
// Unlike ScopedSpan, a Span is not made current by starting it, and it costs one heap
// allocation: its state must stay put while handles move. Keep TRACE_SCOPE in hot loops.
// Tags, logs, baggage and renaming work as on ScopedSpan (instrument/span_operations.hpp);
// after end() they are ignored. Compiled out (ZSPAN_DISABLED), a Span is never valid and
// does nothing.
#pragma once

#include <utility>

#include "zspan/instrument/compiled_out_span.hpp"
#include "zspan/instrument/config.hpp"
#include "zspan/instrument/log.hpp"
#include "zspan/instrument/span_operations.hpp"
#include "zspan/trace/internal/recording.hpp"

namespace zspan {

#if !ZSPAN_ENABLED
class ActiveScope {
 public:
  ~ActiveScope() {}  // not trivial: a scope held and never read is no unused variable
  ActiveScope(const ActiveScope&) = delete;
  ActiveScope& operator=(const ActiveScope&) = delete;

 private:
  friend class Span;
  ActiveScope() noexcept = default;
};

class Span : public detail::CompiledOutSpan {
 public:
  template <class T>
  static Span start(T&, const Callsite&, Reference = Reference::kChildOf) noexcept {
    return {};
  }
  void end() noexcept {}
  bool valid() const noexcept { return false; }
  [[nodiscard]] ActiveScope make_current() const noexcept { return {}; }
};
#else
class ActiveScope;

class Span : public SpanOperations<Span> {
 public:
  Span() = default;  // no span: every operation does nothing

  template <class T>
  static Span start(T& tracer, const Callsite& callsite, Reference reference = Reference::kChildOf) noexcept {
    Span span;
    span.state_ = detail::SharedRef<State>::make();
    if (!span.state_) return span;
    // Not on a chain, its node may outlive its parent's: it takes its context now.
    detail::init_span(span.state_->node, callsite, tracer, kSpanFieldBytes, reference);
    span.state_->node.adopt_inherited_context();
    return span;
  }

  Span(Span&&) noexcept = default;
  Span& operator=(Span&& other) noexcept {
    end();
    state_ = std::exchange(other.state_, nullptr);
    return *this;
  }
  ~Span() { end(); }

  // Ends the span now; later calls do nothing.
  void end() noexcept {
    if (state_ && !state_->ended) {
      state_->ended = true;
      detail::finish_span(state_->node);
      state_->node.owner = nullptr;  // fields set after the end are dropped
    }
    state_ = nullptr;
  }

  bool valid() const noexcept { return state_ != nullptr; }

  // Makes the span current until the returned scope ends. The scope keeps the span's
  // state alive, so ending or moving the Span meanwhile is safe.
  [[nodiscard]] ActiveScope make_current() const noexcept;

 private:
  friend class ActiveScope;
  friend class SpanOperations<Span>;
  detail::ContextNode* span_node() const noexcept { return state_ ? &state_->node : nullptr; }

  struct State final : detail::RefCounted {
    detail::ContextNode node{};
    std::byte fields[kSpanFieldBytes];
    bool ended = false;
  };
  detail::SharedRef<State> state_;
};

// Makes a Span current for a scope. Children started meanwhile are its children, and
// TRACE_TAG and friends write into it.
class ActiveScope {
 public:
  ~ActiveScope() {
    if (state_) detail::pop(&node_);
  }
  ActiveScope(const ActiveScope&) = delete;
  ActiveScope& operator=(const ActiveScope&) = delete;

 private:
  friend class Span;
  explicit ActiveScope(const detail::SharedRef<Span::State>& state) noexcept : state_(state) {
    if (!state_) return;
    const detail::ContextNode& span = state_->node.minted_holder();  // the Span's node itself, with ids
    node_.init_copy_of(span, span.kind(), state_->ended ? nullptr : span.owner);
    detail::push(&node_);
  }

  detail::SharedRef<Span::State> state_;
  detail::ContextNode node_{};  // filled when state_ is
};

inline ActiveScope Span::make_current() const noexcept { return ActiveScope(state_); }
#endif

}  // namespace zspan
