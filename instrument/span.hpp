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
// Tags, logs and baggage work as on ScopedSpan; after end() they are ignored.
#pragma once

#include <string_view>
#include <utility>

#include "instrument/baggage.hpp"
#include "instrument/config.hpp"
#include "instrument/log.hpp"
#include "instrument/tag_writer.hpp"
#include "trace/recording.hpp"

namespace zspan {

class ActiveScope;

class Span {
 public:
  Span() = default;  // no span: every operation does nothing

  template <class T>
  static Span start(T& tracer, const Callsite& callsite, Reference reference = Reference::kChildOf) noexcept {
    Span span;
    span.state_ = SharedRef<State>::make();
    if (!span.state_) return span;
    // Not on a chain, its node may outlive its parent's: it takes its context now.
    init_span(span.state_->node, callsite, tracer, kSpanFieldBytes, reference);
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
      finish_span<kSpanFieldBytes>(state_->node);
      state_->node.owner = nullptr;  // fields set after the end are dropped
    }
    state_ = nullptr;
  }

  bool valid() const noexcept { return state_ != nullptr; }
  SpanContext context() const noexcept { return state_ ? state_->node.context() : SpanContext{}; }
  void set_error() noexcept {
    if (state_ && state_->node.owner) state_->node.record.flags |= SpanRecord::kError;
  }
  void add_reference(Reference reference, const SpanContext& other) noexcept {
    if (state_) zspan::add_reference(state_->node, reference, other);
  }
  template <class Key, class V>
  void tag(const Key& key, const V& value) noexcept {
    if (state_) set_tag(state_->node, key = value);
  }
  template <class... Args>
  void log(LogFormat<Args...> format, Args&&... args) noexcept {
    if (state_) log_message(state_->node, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void log_error(LogFormat<Args...> format, Args&&... args) noexcept {
    if (state_) zspan::log_error(state_->node, format, std::forward<Args>(args)...);
  }
  template <class... Key, class... Stored>
  void log_fields(const Tagged<Key, Stored>&... fields) noexcept {
    if (state_) zspan::log_fields(state_->node, fields...);
  }
  // Children started after the call (and scopes made current after it) see the entry.
  BaggageResult set_baggage(std::string_view key, std::string_view value) noexcept {
    if (!state_ || state_->ended) return detail::count_baggage_refusal(BaggageResult::kNoSpan);
    return zspan::set_baggage(state_->node, key, value);
  }

  // Makes the span current until the returned scope ends. The scope keeps the span's
  // state alive, so ending or moving the Span meanwhile is safe.
  [[nodiscard]] ActiveScope make_current() const noexcept;

 private:
  friend class ActiveScope;
  struct State final : RefCounted {
    ContextNode node{};
    std::byte fields[kSpanFieldBytes];
    bool ended = false;
  };
  SharedRef<State> state_;
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
  explicit ActiveScope(const SharedRef<Span::State>& state) noexcept : state_(state) {
    if (!state_) return;
    const ContextNode& span = state_->node.minted_holder();  // the Span's node itself, with ids
    node_.init_copy_of(span, span.kind, state_->ended ? nullptr : span.owner);
    detail::push(&node_);
  }

  SharedRef<Span::State> state_;
  ContextNode node_{ContextNode::Unfilled{}};
};

inline ActiveScope Span::make_current() const noexcept { return ActiveScope(state_); }

}  // namespace zspan
