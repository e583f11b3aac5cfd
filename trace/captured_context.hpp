// CapturedContext: the current context as a value, to carry to another thread, a pool,
// a queue or a coroutine frame, and to resume there.
//
//   zspan::CapturedContext ctx = zspan::capture_context();   // on the producer
//   pool.post([ctx] {
//     zspan::ContextScope scope(ctx);                         // on the worker
//     TRACE_SCOPE("work");                                    // child of the captured span
//   });
//
// A context is a chain of nodes that live in span guards; a pointer into that chain dies
// with the guard. A capture copies what children need from the innermost node (ids,
// sampling decision, tracer, trace state, baggage) into one reference-counted heap node,
// so it stays valid after the span it came from has ended: a span started under it still
// gets the right trace and parent ids. Capturing with no current span costs nothing and
// resumes as "no span". Copies share the node; the last one frees it.
//
// The captured node records nothing and never ends: fields written while it is current
// are dropped, and so is baggage set on it (open a span first: the node is shared by
// every thread resuming it). Children inherit its sampling decision; a captured remote
// context stays remote, so a span under it is still the local root of the remote trace.
#pragma once

#include <utility>

#include "zspan/trace/context.hpp"
#include "zspan/trace/internal/shared_ref.hpp"

namespace zspan {

class CapturedContext {
 public:
  CapturedContext() = default;  // no span

  bool empty() const noexcept { return !state_; }
  SpanContext context() const noexcept {
#if defined(ZSPAN_DISABLED)
    return {};  // always empty: see capture_context()
#else
    return state_ ? state_->node.context() : SpanContext{};
#endif
  }
  // The node to make current: shared by every copy, and by every thread resuming it, so
  // it is only ever read (its `prev` is null and stays so).
  detail::ContextNode* node() const noexcept { return state_ ? &state_->node : nullptr; }

 private:
  friend CapturedContext capture_context() noexcept;
  struct State final : detail::RefCounted {
    detail::ContextNode node{};  // prev and owner stay null
  };
  detail::SharedRef<State> state_;
};

// The current context as a value. An empty context when no span is current, or when the
// copy cannot be allocated (the work then runs without a parent rather than failing).
// Compiled out (ZSPAN_DISABLED), always empty.
inline CapturedContext capture_context() noexcept {
#if defined(ZSPAN_DISABLED)
  return {};
#else
  const detail::ContextNode* current = detail::tls_state.current;
  CapturedContext captured;
  if (!current) return captured;
  captured.state_ = detail::SharedRef<CapturedContext::State>::make();
  if (!captured.state_) return captured;
  const detail::ContextNode& holder = current->minted_holder();
  captured.state_->node.init_copy_of(
      holder, holder.kind() == detail::ContextNode::Kind::kRemote ? detail::ContextNode::Kind::kRemote : detail::ContextNode::Kind::kCaptured,
      nullptr);
  return captured;
#endif
}

// Makes a captured context this thread's context for a scope, replacing whatever was
// current (a worker's own spans are not the parents of the task it runs), and puts the
// thread's context back after. Keeps the captured node alive meanwhile.
class ContextScope {
 public:
  explicit ContextScope(CapturedContext context) noexcept : context_(std::move(context)), swap_(context_.node()) {}
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

 private:
  CapturedContext context_;
  ContextSwap swap_;
};

}  // namespace zspan
